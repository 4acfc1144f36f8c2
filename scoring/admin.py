from django.contrib import admin

from parindex.admin_site import ReadOnlyAdmin

from .models import (
    Assessment,
    AuditEntry,
    CalendarDay,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
    Result,
)


class PeriodGroupInline(admin.TabularInline):
    """The year's groups and bonus caps; fixed once the year is published."""

    model = PeriodGroup
    extra = 0

    def _open(self, obj) -> bool:
        return obj is None or not obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """Dates and settings are edited here; the phase moves only through the cycle page (its
    conditions, reasons and audit row), and publication is the workflow's."""

    list_display = ["year", "name", "phase", "self_assessment_deadline", "published_at"]
    readonly_fields = ["phase", "published_at"]
    inlines = [PeriodGroupInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        if obj.is_frozen:  # a published year: nothing changes
            return [f.name for f in obj._meta.fields]
        return ["year", *self.readonly_fields]


class CriterionMaxInline(admin.TabularInline):
    model = CriterionMax
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    """A criteria set changes by its XLSX import or a copy (checked, audited)."""

    list_display = ["code", "period", "level", "kind", "method", "is_leaf"]
    list_filter = ["period", "level", "kind", "method"]
    search_fields = ["code", "name"]
    inlines = [CriterionMaxInline]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "status", "submitted_at", "is_late"]
    list_filter = ["period", "status"]


@admin.register(LeafScore)
class LeafScoreAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "criterion", "stage", "value", "version"]
    list_filter = ["stage"]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "criterion", "stage", "reason", "provisional"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "stage", "index", "band", "rank_in_group"]
    list_filter = ["period", "stage", "band"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    """The province's days are set on the year's calendar page (checked, audited)."""

    list_display = ["date", "kind", "reason"]
    list_filter = ["kind"]


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
