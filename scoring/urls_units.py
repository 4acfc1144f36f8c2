"""/don-vi/: a year's units (lineage and set-up) for the secretariat."""

from django.urls import path

from . import views_units as views

urlpatterns = [
    path("", views.unit_changes_index, name="unit_changes_index"),
    path("tai-len/", views.unit_changes_upload, name="unit_changes_upload"),
    path("xem-truoc/<str:key>/", views.unit_changes_preview, name="unit_changes_preview"),
    path("xac-nhan/<str:key>/", views.unit_changes_confirm, name="unit_changes_confirm"),
    path("<int:year>/", views.year_units, name="year_units"),
    path("<int:year>/thiet-lap/", views.year_setup_confirm, name="year_setup_confirm"),
]
