from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("xep-hang/", views.ranking_index, name="ranking_index"),
    path("xep-hang/<int:year>/", views.ranking_year, name="ranking_year"),
]
