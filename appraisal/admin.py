from django.contrib import admin

from parindex.admin_site import ReadOnlyAdmin

from .models import (
    Assignment,
    CouncilApproval,
    CrossCheck,
    NoteAttachment,
    Notification,
    WorkingNote,
)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Assignments change on the assignment page (checked, notified, audited)."""

    list_display = ["period", "unit", "field", "appraiser", "round1_done_at", "final_done_at"]
    list_filter = ["period"]
    list_select_related = ["period", "unit", "field", "appraiser"]


@admin.register(CrossCheck)
class CrossCheckAdmin(ReadOnlyAdmin):
    list_display = [
        "assessment",
        "criterion",
        "stage",
        "checker",
        "requested_at",
        "decided_at",
        "decision",
    ]
    list_select_related = ["assessment__unit", "criterion", "checker"]


@admin.register(CouncilApproval)
class CouncilApprovalAdmin(ReadOnlyAdmin):
    list_display = ["period", "member", "approved_at", "superseded"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind", "period"]
    list_select_related = ["recipient"]


@admin.register(WorkingNote)
class WorkingNoteAdmin(ReadOnlyAdmin):
    """Notes of the working group are written on the appraisal pages (checked, audited)."""

    list_display = ["created_at", "assessment", "criterion", "stage", "author"]
    list_filter = ["stage"]
    list_select_related = ["assessment__unit", "criterion", "author"]


@admin.register(NoteAttachment)
class NoteAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "note", "kind", "size", "scan_status"]
    list_select_related = ["note__criterion"]
