from django.urls import path

from . import views, views_calendar, views_cycle, views_desk

urlpatterns = [
    path("<int:year>/", views.cycle, name="appraisal_cycle"),
    path("<int:year>/lich/", views_calendar.calendar_page, name="appraisal_calendar"),
    path("<int:year>/chuyen-giai-doan/", views.phase_move, name="appraisal_phase_move"),
    path("<int:year>/theo-doi-nop.csv", views_cycle.tracker_csv, name="appraisal_tracker_csv"),
    path("<int:year>/nhac-nop/", views_cycle.remind, name="appraisal_remind"),
    path("<int:year>/gia-han/", views_cycle.extension, name="appraisal_extension"),
    path(
        "<int:year>/khong-nop-ho-so/",
        views_cycle.unsubmitted_policy,
        name="appraisal_unsubmitted_policy",
    ),
    path(
        "<int:year>/giai-trinh-bo-sung/",
        views_cycle.supplement_dates,
        name="appraisal_supplement_dates",
    ),
    path("<int:year>/hoi-dong/", views_cycle.council_page, name="appraisal_council"),
    path("<int:year>/quyet-dinh/", views.decision, name="appraisal_decision"),
    path("<int:year>/thong-qua/", views.approve, name="appraisal_approve"),
    path("<int:year>/to-giup-viec/", views.team, name="appraisal_team"),
    path("<int:year>/phan-cong/", views_desk.assignments, name="appraisal_assignments"),
    path(
        "<int:year>/phan-cong/de-xuat/",
        views_desk.assignments_suggest,
        name="appraisal_assignments_suggest",
    ),
    path("<int:year>/tien-do/", views_desk.progress_page, name="appraisal_progress"),
    path("<int:year>/phan-cong.csv", views.assignments_export, name="appraisal_assignments_csv"),
    path("<int:year>/nhat-ky.csv", views.audit_export, name="appraisal_audit_csv"),
    path("<int:year>/hang-doi/", views_desk.queue, name="appraisal_queue"),
    path("<int:year>/hang-doi/hoan-thanh/", views_desk.queue_done, name="appraisal_queue_done"),
    path(
        "ho-so/<int:assessment_id>/linh-vuc/<str:field_code>/",
        views_desk.field_page,
        name="appraisal_field",
    ),
    path(
        "ho-so/<int:assessment_id>/linh-vuc/<str:field_code>/giu-diem-tu-cham/",
        views_desk.field_keep,
        name="appraisal_field_keep",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/luu/",
        views_desk.leaf_save,
        name="appraisal_leaf_save",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/ghi-chu/",
        views_desk.note_add,
        name="appraisal_note_add",
    ),
    path("ghi-chu/tep/<int:attachment_id>/", views_desk.note_file, name="appraisal_note_file"),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/nhat-ky/",
        views.leaf_audit,
        name="appraisal_leaf_audit",
    ),
    path(
        "kiem-tra-cheo/<int:cross_check_id>/", views_desk.cross_check, name="appraisal_cross_check"
    ),
    path(
        "phan-cong/<int:assignment_id>/hoan-thanh/",
        views_desk.assignment_done,
        name="appraisal_assignment_done",
    ),
    path("ho-so/<int:assessment_id>/ket-qua/", views.agency_results, name="appraisal_agency"),
    path(
        "ho-so/<int:assessment_id>/bo-sung/<int:criterion_id>/",
        views.supplement_save,
        name="appraisal_supplement",
    ),
]
