"""What every appraisal write starts with: the permission asked of the rules, the row
locked, a published (frozen) year refused, the comment a changed score needs; and the
phase and time as the messages say them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import engine, workflow
from scoring.enums import Phase, Stage
from scoring.models import Assessment, LeafScore, Period
from units.enums import RoleKind
from units.models import Role


def period_lock(period: Period) -> Period:
    return Period.objects.select_for_update().get(pk=period.pk)


def assessment_lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("period", "unit", "group")
        .get(pk=assessment.pk)
    )


def permission_require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def refuse_frozen(period: Period) -> None:
    if workflow.rules_of(period.phase).frozen:
        raise ValidationError(
            _(
                "Kết quả năm %(year)s đã công bố; Bộ phận thư ký phải mở lại (có ghi lý do) "
                "trước khi thay đổi."
            )
            % {"year": period.year},
            code="frozen",
        )


def phase_label(phase: str) -> str:
    """The phase's Vietnamese label; an unknown value (a forged form) is shown as given."""
    try:
        return str(Phase(phase).label)
    except ValueError:
        return f"“{phase}”"


def when_text(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else "—"


def _self_value(assessment, criterion) -> Decimal | None:
    return (
        LeafScore.objects.filter(assessment=assessment, criterion_id=criterion.pk, stage=Stage.SELF)
        .values_list("value", flat=True)
        .first()
    )


def comment_required_if_changed(assessment, criterion, value, comment: str) -> None:
    self_value = _self_value(assessment, criterion)
    if value != self_value and not comment:
        raise ValidationError(
            _("Điểm thẩm định (%(value)s) khác điểm đơn vị tự chấm (%(self)s): cần ghi nhận xét.")
            % {
                "value": engine.vn_number(value) if value is not None else "—",
                "self": engine.vn_number(self_value) if self_value is not None else "—",
            },
            code="comment_required",
        )


def is_team_member(user, period: Period) -> bool:
    """A member of the year's working group (read now, not from the roles cached on the user)."""
    return Role.objects.for_year(period.year).filter(user=user, kind=RoleKind.APPRAISER).exists()
