"""Open data: published results at stable URLs (/du-lieu-mo/2024.json, /du-lieu-mo/2024.csv)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:year>.json", views.open_data_json, name="open_data_json"),
    path("<int:year>.csv", views.open_data_csv, name="open_data_csv"),
]
