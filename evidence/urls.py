from django.urls import path

from . import views

urlpatterns = [
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/tai-len/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/lien-ket/",
        views.evidence_link,
        name="evidence_link",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/go/<int:file_id>/",
        views.evidence_unlink,
        name="evidence_unlink",
    ),
    path("<int:file_id>/xoa/", views.evidence_remove, name="evidence_remove"),
    path("<int:file_id>/tai-ve/", views.evidence_download, name="evidence_download"),
    path("<int:file_id>/xem/", views.evidence_preview, name="evidence_preview"),
    path("<int:file_id>/thong-tin/", views.evidence_card, name="evidence_card"),
    path(
        "<int:file_id>/thong-tin/sua/",
        views.evidence_reading_correct,
        name="evidence_reading_correct",
    ),
]
