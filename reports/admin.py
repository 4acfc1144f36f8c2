from django.contrib import admin

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
class IndexRunAdmin(admin.ModelAdmin):
    list_display = ["period", "stage", "status", "progress", "result_hash", "finished_at"]
    list_filter = ["status", "stage"]


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "status", "progress", "created_by", "created_at"]
    list_filter = ["kind", "status"]


class ImprovementItemInline(admin.TabularInline):
    model = ImprovementItem
    extra = 0


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__"]
    inlines = [ImprovementItemInline]


@admin.register(DossierStats)
class DossierStatsAdmin(admin.ModelAdmin):
    list_display = ["__str__"]


class ReadOnlyHistoryAdmin(admin.ModelAdmin):
    """Append-only rows (their own audit trail): looked at here, written in the portal."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(ReadOnlyHistoryAdmin):
    list_display = ["issuer_name", "province_name", "signer_name", "saved_by", "saved_at"]


@admin.register(DocumentIssue)
class DocumentIssueAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "period", "kind", "unit", "issued_by", "issued_at"]
    list_filter = ["kind", "period"]
