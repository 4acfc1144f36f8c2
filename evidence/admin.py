from django.contrib import admin

from parindex.admin_site import ReadOnlyAdmin

from .models import EvidenceFile, EvidenceLink, EvidenceReading, ReadingCorrection


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    fields = ["criterion", "linked_by", "linked_at", "removed_at", "removed_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    """Read-only: evidence is changed through the services (audit fields, storage)."""

    list_display = [
        "original_name",
        "assessment",
        "kind",
        "size",
        "stage",
        "scan_status",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    ]
    list_filter = ["kind", "stage", "scan_status", "assessment__period"]
    search_fields = ["original_name", "sha256", "assessment__unit__name"]
    list_select_related = ["assessment__unit", "assessment__period", "uploaded_by"]
    inlines = [EvidenceLinkInline]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(ReadOnlyAdmin):
    list_display = ["file", "criterion", "linked_by", "linked_at", "removed_at"]
    list_select_related = ["file", "criterion", "linked_by"]


class ReadingCorrectionInline(admin.TabularInline):
    model = ReadingCorrection
    extra = 0
    fields = ["field", "old_value", "value", "corrected_by", "corrected_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(EvidenceReading)
class EvidenceReadingAdmin(ReadOnlyAdmin):
    """Readings are written by the task, corrections by the services."""

    list_display = ["file", "state", "text_source", "is_document", "is_draft", "finished_at"]
    list_filter = ["state", "text_source", "is_document", "is_draft"]
    search_fields = ["file__original_name", "number_key"]
    list_select_related = ["file"]
    inlines = [ReadingCorrectionInline]
