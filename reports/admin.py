"""Job records, plans and imported inputs: read-only here (their pages and services check
the phase and keep the audit trail)."""

from django.contrib import admin

from parindex.admin_site import ReadOnlyAdmin  # append-only rows: shown, written in the portal

from .models import (
    DocumentIssue,
    DocumentSettings,
    DossierStats,
    ImprovementItem,
    ImprovementPlan,
    IndexRun,
    ReportFile,
)


@admin.register(IndexRun)
class IndexRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "stage", "status", "progress", "result_hash", "finished_at"]
    list_filter = ["status", "stage"]


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    list_display = ["kind", "period", "status", "progress", "created_by", "created_at"]
    list_filter = ["kind", "status"]


class ImprovementItemInline(admin.TabularInline):
    model = ImprovementItem
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]
    inlines = [ImprovementItemInline]


@admin.register(DossierStats)
class DossierStatsAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(ReadOnlyAdmin):
    list_display = ["issuer_name", "province_name", "signer_name", "saved_by", "saved_at"]


@admin.register(DocumentIssue)
class DocumentIssueAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period", "kind", "unit", "issued_by", "issued_at"]
    list_filter = ["kind", "period"]
