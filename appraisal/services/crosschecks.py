"""Cross-checks: a score or an exemption given to the appraiser's own home unit is
provisional until a member of another unit confirms or changes it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.enums import AuditAction
from scoring.models import Assessment, Exemption, LeafScore, Period
from scoring.services import StaleVersionError, audit_record, leaf_score_points, leaf_score_write
from units.enums import RoleKind
from units.models import Role, User
from units.rules import home_unit_ids

from ..enums import CrossCheckDecision, CrossCheckKind
from ..models import Assignment, CrossCheck
from .guards import (
    assessment_lock,
    comment_required_if_changed,
    is_team_member,
    permission_require,
    refuse_frozen,
)
from .notifications import cross_check_notify


def _pick_checker(period: Period, assessment: Assessment, criterion, exclude_id: int):
    """A member of the team from another home unit: same field first, then the least loaded."""
    field_code = criterion.code.split(".")[0]
    roles = Role.objects.for_year(period.year).filter(kind=RoleKind.APPRAISER)
    homes: dict[int, set[int]] = {}
    expertise: dict[int, set[str]] = {}
    for role in roles:
        homes.setdefault(role.user_id, set()).add(role.unit_id)
        expertise.setdefault(role.user_id, set()).update(role.expertise or [])
    candidates = [
        uid for uid, units in homes.items() if assessment.unit_id not in units and uid != exclude_id
    ]
    if not candidates:
        return None
    load = {uid: 0 for uid in candidates}
    for uid in CrossCheck.objects.filter(
        checker_id__in=candidates, decided_at__isnull=True, assessment__period=period
    ).values_list("checker_id", flat=True):
        load[uid] += 1
    best = min(candidates, key=lambda uid: (field_code not in expertise[uid], load[uid], uid))
    return User.objects.get(pk=best)


def cross_check_request(
    *, actor, assessment, criterion, stage, kind: str = CrossCheckKind.SCORE
) -> CrossCheck:
    check = (
        CrossCheck.objects.select_for_update()
        .filter(assessment=assessment, criterion_id=criterion.pk, stage=stage, kind=kind)
        .first()
    )
    now = timezone.now()
    if check is None:
        check = CrossCheck.objects.create(
            assessment=assessment,
            criterion_id=criterion.pk,
            stage=stage,
            kind=kind,
            requested_by=actor,
            requested_at=now,
            checker=_pick_checker(assessment.period, assessment, criterion, actor.pk),
        )
        cross_check_notify(check)
        return check
    keep = (
        check.checker_id
        and check.checker_id != actor.pk
        and assessment.unit_id not in home_unit_ids(check.checker, assessment.period.year)
    )
    # The checker hears of it when the item is new to them: a new checker, or a check they
    # had concluded that a new score reopens (not each re-save of a score still waiting).
    tell = not keep or not check.is_open
    check.requested_by = actor
    check.requested_at = now
    check.decided_at = None
    check.decision = ""
    check.comment = ""
    if not keep:
        check.checker = _pick_checker(assessment.period, assessment, criterion, actor.pk)
    check.save()
    if tell:
        cross_check_notify(check)
    return check


def home_unit_values_queue(
    *, actor, assessment: Assessment, assignment: Assignment, stage: str
) -> int:
    """Completing a field of one's own home unit accepts its values (prefilled ones too):
    every value not yet cross-checked becomes provisional and is queued for a cross-check."""
    assessment = assessment_lock(assessment)
    field_code = assignment.field.code
    checked = set(
        CrossCheck.objects.filter(
            assessment=assessment, stage=stage, kind=CrossCheckKind.SCORE
        ).values_list("criterion_id", flat=True)
    )
    queued = 0
    for score in (
        LeafScore.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, stage=stage, value__isnull=False)
        .select_related("criterion")
    ):
        if score.criterion.field_code != field_code or score.criterion_id in checked:
            continue
        score.provisional = True
        score.save(update_fields=["provisional", "updated_at"])
        cross_check_request(
            actor=actor, assessment=assessment, criterion=score.criterion, stage=stage
        )
        queued += 1
    # Exemptions of the field (prefilled from the unit's own claims too) are accepted alike.
    exempt_checked = set(
        CrossCheck.objects.filter(
            assessment=assessment, stage=stage, kind=CrossCheckKind.EXEMPTION
        ).values_list("criterion_id", flat=True)
    )
    for exemption in (
        Exemption.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, stage=stage)
        .select_related("criterion")
    ):
        if exemption.criterion.field_code != field_code or exemption.criterion_id in exempt_checked:
            continue
        exemption.provisional = True
        exemption.save(update_fields=["provisional"])
        cross_check_request(
            actor=actor,
            assessment=assessment,
            criterion=exemption.criterion,
            stage=stage,
            kind=CrossCheckKind.EXEMPTION,
        )
        queued += 1
    return queued


@transaction.atomic
def cross_check_assign(*, actor, cross_check: CrossCheck, checker) -> CrossCheck:
    """The secretariat gives an open cross-check to a member of another home unit."""
    check = (
        CrossCheck.objects.select_for_update()
        .select_related("assessment__period", "assessment__unit")
        .get(pk=cross_check.pk)
    )
    period = check.assessment.period
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    if check.assessment.unit_id in home_unit_ids(checker, period.year):
        raise ValidationError(
            _("Không thể giao thẩm định chéo cho thành viên thuộc chính đơn vị được thẩm định."),
            code="own_home_unit",
        )
    if not is_team_member(checker, period):
        raise ValidationError(
            _("Người được giao không phải thành viên Tổ giúp việc."), code="not_member"
        )
    old = {"checker": check.checker.username if check.checker else None}
    changed = check.checker_id != checker.pk
    check.checker = checker
    check.save(update_fields=["checker"])
    if changed and check.is_open:
        cross_check_notify(check)
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.CROSS_CHECK,
        assessment=check.assessment,
        criterion=check.criterion,
        stage=check.stage,
        old=old,
        new={"checker": checker.username},
    )
    return check


@transaction.atomic
def cross_check_decide(
    *,
    actor,
    cross_check: CrossCheck,
    decision: str,
    inputs=None,
    comment: str = "",
    expected_version: int | None = None,
) -> LeafScore | Exemption | None:
    """The checker confirms the provisional score, or changes it (with a comment).

    `expected_version` is the score's version the checker saw: a score re-saved meanwhile by
    the appraiser is not confirmed or overwritten blindly (StaleVersionError).
    For an exemption's cross-check: confirming keeps the exemption (returned), changing
    rejects it (with a comment): the node counts again (None).
    """
    assessment = assessment_lock(cross_check.assessment)
    check = (
        CrossCheck.objects.select_for_update(of=("self",))
        .select_related("criterion__parent__parent")
        .get(pk=cross_check.pk)
    )
    check.assessment = assessment
    refuse_frozen(assessment.period)
    if assessment.unit_id in home_unit_ids(actor, assessment.period.year):
        raise ValidationError(
            _("Không được thẩm định chéo điểm của đơn vị nơi mình công tác."),
            code="own_home_unit",
        )
    if check.checker_id != actor.pk:
        raise PermissionDenied
    if not actor.has_perm("appraisal.decide_cross_check", check):
        raise ValidationError(_("Vòng thẩm định của mục này đã đóng."), code="phase")
    CrossCheckDecision(decision)
    if check.is_exemption:
        return _exemption_check_decide(
            actor=actor, assessment=assessment, check=check, decision=decision, comment=comment
        )
    criterion = check.criterion
    score = LeafScore.objects.select_for_update().get(
        assessment=assessment, criterion_id=criterion.pk, stage=check.stage
    )
    if expected_version is not None and expected_version != score.version:
        raise StaleVersionError(score)
    if not check.is_open:
        return score
    comment = (comment or "").strip()
    cleaned, value, kept_comment = score.inputs, score.value, score.comment
    if decision == CrossCheckDecision.CHANGED:
        cleaned, value = leaf_score_points(
            assessment=assessment, criterion=criterion, stage=check.stage, inputs=inputs or {}
        )
        if not comment:
            raise ValidationError(
                _("Cần ghi nhận xét khi điều chỉnh điểm thẩm định chéo."), code="comment_required"
            )
        comment_required_if_changed(assessment, criterion, value, comment)
        kept_comment = comment
    score, _written = leaf_score_write(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=check.stage,
        inputs=cleaned,
        value=value,
        entered={"comment": kept_comment, "supplement_requested": score.supplement_requested},
        provisional=False,
        action=AuditAction.CROSS_CHECK,
        reason=comment,
        audit_extra={"decision": decision},
        write_unchanged=True,  # confirming is a write: the score is no longer provisional
    )
    _cross_check_close(check=check, decision=decision, comment=comment)
    return score


def _cross_check_close(*, check: CrossCheck, decision: str, comment: str) -> None:
    """The decision on a cross-check, recorded on it (the audit row is the decision's write:
    the score's through leaf_score_write, the exemption's in _exemption_check_decide)."""
    check.decided_at = timezone.now()
    check.decision = decision
    check.comment = comment
    check.save(update_fields=["decided_at", "decision", "comment"])


def _exemption_check_decide(*, actor, assessment, check, decision: str, comment: str):
    exemption = (
        Exemption.objects.select_for_update()
        .filter(assessment=assessment, criterion_id=check.criterion_id, stage=check.stage)
        .first()
    )
    if not check.is_open:
        return exemption
    comment = (comment or "").strip()
    old = None if exemption is None else {"reason": exemption.reason, "provisional": True}
    if decision == CrossCheckDecision.CHANGED:
        if not comment:
            raise ValidationError(
                _("Cần ghi nhận xét khi không chấp nhận giảm trừ."), code="comment_required"
            )
        new = None
        if exemption is not None:
            exemption.delete()
            exemption = None
    else:
        if exemption is not None:
            exemption.provisional = False
            exemption.save(update_fields=["provisional"])
        new = None if exemption is None else {"reason": exemption.reason, "provisional": False}
    _cross_check_close(check=check, decision=decision, comment=comment)
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.CROSS_CHECK,
        assessment=assessment,
        criterion=check.criterion,
        stage=check.stage,
        old=old,
        new={"exemption": new, "decision": decision},
        reason=comment,
    )
    return exemption
