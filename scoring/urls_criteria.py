"""/tieu-chi/: the criteria set pages of the secretariat."""

from django.urls import path

from . import views_criteria as views

urlpatterns = [
    path("", views.criteria_index, name="criteria_index"),
    path("tai-len/", views.criteria_upload, name="criteria_upload"),
    path("xem-truoc/<str:key>/", views.criteria_preview, name="criteria_preview"),
    path("xac-nhan/<str:key>/", views.criteria_confirm, name="criteria_confirm"),
    path("sao-chep/", views.criteria_copy, name="criteria_copy"),
    path("<int:year>/tai-ve/", views.criteria_export, name="criteria_export"),
]
