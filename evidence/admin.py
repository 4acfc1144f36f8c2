from django.contrib import admin

from scoring.admin import ReadOnlyAdmin

from .models import EvidenceFile, EvidenceLink


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
