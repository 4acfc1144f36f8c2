from django.contrib import admin

from .models import (
    Assessment,
    AuditEntry,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
    Result,
)


class PeriodGroupInline(admin.TabularInline):
    model = PeriodGroup
    extra = 0


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "phase", "self_assessment_deadline", "published_at"]
    inlines = [PeriodGroupInline]


class CriterionMaxInline(admin.TabularInline):
    model = CriterionMax
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "period", "level", "kind", "method", "is_leaf"]
    list_filter = ["period", "level", "kind", "method"]
    search_fields = ["code", "name"]
    inlines = [CriterionMaxInline]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "status", "submitted_at", "is_late"]
    list_filter = ["period", "status"]


@admin.register(LeafScore)
class LeafScoreAdmin(admin.ModelAdmin):
    list_display = ["assessment", "criterion", "stage", "value", "version"]
    list_filter = ["stage"]


@admin.register(Exemption)
class ExemptionAdmin(admin.ModelAdmin):
    list_display = ["assessment", "criterion", "stage", "reason"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["period", "unit", "stage", "index", "band", "rank_in_group"]
    list_filter = ["period", "stage", "band"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (they keep the audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "period",
        "assessment",
        "criterion",
        "stage",
        "action",
        "actor",
        "after_approval",
    ]
    list_filter = ["period", "action", "stage", "after_approval"]
    list_select_related = ["period", "assessment__unit", "criterion", "actor"]
