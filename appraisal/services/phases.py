"""The year's phase moves, by the workflow's transition table (scoring.workflow), and the
year's choice for units that never submit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import workflow
from scoring.enums import AssessmentStatus, AuditAction, Stage, UnsubmittedPolicy
from scoring.models import Assessment, Exemption, LeafScore, Period
from scoring.sealing import results_seal
from scoring.services import audit_record, leaf_scores_copy, results_compute

from .. import moves, signals
from ..enums import CouncilDecision
from ..models import Assignment, CouncilApproval, CrossCheck
from .guards import period_lock, permission_require, phase_label
from .notifications import phase_notify, supplement_requests_notify


def _open_cross_checks(period: Period, stage: str):
    return CrossCheck.objects.filter(
        assessment__period=period, stage=stage, decided_at__isnull=True
    ).select_related("assessment__unit", "criterion")


def _condition_problem(name: str, period: Period) -> str | None:
    """The reason a move's condition is unmet, or None."""
    if name == "no_open_cross_checks":
        stage = workflow.rules_of(period.phase).appraiser_scores or Stage.ROUND1
        open_items = list(_open_cross_checks(period, stage)[:20])
        if open_items:
            items = ", ".join(f"{c.assessment.unit.code} {c.criterion.code}" for c in open_items)
            return _("Còn %(n)s mục thẩm định chéo chưa kết luận: %(items)s.") % {
                "n": _open_cross_checks(period, stage).count(),
                "items": items,
            }
    elif name == "unsubmitted_policy_chosen":
        drafts = Assessment.objects.filter(period=period, status=AssessmentStatus.DRAFT).count()
        if drafts and not period.unsubmitted_policy:
            return _(
                "%(n)s đơn vị chưa nộp hồ sơ: hãy chọn cách xử lý đơn vị không nộp hồ sơ "
                "(thẩm định bản đang soạn, hoặc không xếp hạng) trước khi bắt đầu thẩm định."
            ) % {"n": drafts}
    elif name == "supplement_dates_set":
        if not (period.supplement_start and period.supplement_end):
            return _("Chưa đặt thời gian giải trình bổ sung (bắt đầu và hạn).")
        if period.supplement_start >= period.supplement_end:
            return _("Thời điểm bắt đầu giải trình bổ sung phải trước hạn giải trình.")
    elif name == "round2_settled":
        pending = list(
            Assignment.objects.filter(period=period, final_done_at__isnull=True)
            .select_related("unit", "field")
            .order_by("unit__code", "field__code")[:20]
        )
        if pending:
            items = ", ".join(f"{a.unit.code} × {a.field.code}" for a in pending)
            return _("Còn mục chưa thẩm định xong lần 2: %(items)s.") % {"items": items}
        provisional = (
            LeafScore.objects.filter(
                assessment__period=period, stage=Stage.FINAL, provisional=True
            ).count()
            + Exemption.objects.filter(
                assessment__period=period, stage=Stage.FINAL, provisional=True
            ).count()
        )
        if provisional:
            return _("Còn %(n)s điểm chờ thẩm định chéo.") % {"n": provisional}
    elif name == "council_approved":
        if not CouncilApproval.objects.filter(
            period=period, superseded=False, decision=CouncilDecision.APPROVED
        ).exists():
            return _("Chưa có thành viên Hội đồng thẩm định nào thông qua kết quả.")
    elif name == "decision_recorded":
        if not (period.decision_number and period.decision_date and period.decision_signer):
            return _("Chưa ghi quyết định công bố (số, ngày, người ký).")
    else:  # a condition named in the table but not written: refuse rather than pass
        return _("Điều kiện chưa được định nghĩa: %(name)s") % {"name": name}
    return None


def phase_move_problems(
    *, period: Period, to_phase: str, reason: str = "", consequences=None
) -> list[str]:
    """Why the move would be refused (empty: allowed). Used by the page before the click.

    A move back needs a reason, and so does an unusual one: forward before the deadline
    of some units (appraisal.moves; `consequences` when already computed)."""
    step = workflow.transition(period.phase, to_phase)
    if step is None:
        return [
            str(workflow.REFUSALS["not_allowed"])
            % {"from": phase_label(period.phase), "to": phase_label(to_phase)}
        ]
    problems = []
    if not reason.strip():
        if step.reason_required:
            problems.append(str(workflow.REFUSALS["reason_required"]))
        else:
            if consequences is None:
                consequences = moves.phase_move_consequences(period=period, to_phase=to_phase)
            if moves.move_is_unusual(consequences):
                problems.append(str(workflow.REFUSALS["reason_early"]))
    for condition in step.conditions:
        problem = _condition_problem(condition, period)
        if problem:
            problems.append(problem)
    return problems


class MoveNotConfirmed(ValidationError):
    """The move has consequences (appraisal.moves) and was not confirmed: nothing changed."""

    def __init__(self, consequences):
        super().__init__(str(workflow.REFUSALS["confirm_required"]), code="confirm_required")
        self.consequences = consequences


@transaction.atomic
def phase_move(
    *, actor, period: Period, to_phase: str, reason: str = "", confirm: bool = False
) -> Period:
    """Move the year to another phase (secretariat only), by the workflow's transition table.

    Refused with the reasons when a condition is unmet; a move with consequences (units not
    submitted, items not done, …: appraisal.moves) is made only when `confirm`ed, else
    MoveNotConfirmed with the list. Entering round 1 prefills the round-1 scores from the
    self-assessment, entering round 2 the final scores from round 1; closing a round queues
    its index job; publishing computes the final results in the same transaction (they are
    frozen from then on). Moving to the current phase does nothing. The audit row keeps the
    consequences confirmed.
    """
    permission_require(actor, "appraisal.manage_cycle", period)
    period = period_lock(period)
    if period.phase == to_phase:
        return period
    reason = (reason or "").strip()
    consequences = (
        moves.phase_move_consequences(period=period, to_phase=to_phase)
        if workflow.transition(period.phase, to_phase)
        else []
    )
    problems = phase_move_problems(
        period=period, to_phase=to_phase, reason=reason, consequences=consequences
    )
    if problems:
        raise ValidationError(problems, code="refused")
    if consequences and not confirm:
        raise MoveNotConfirmed(consequences)
    step = workflow.transition(period.phase, to_phase)
    copied = (
        leaf_scores_copy(period=period, source=step.copies[0], target=step.copies[1])
        if step.copies
        else 0
    )
    old_phase = period.phase
    fields = ["phase"]
    if step.reopens:
        CouncilApproval.objects.filter(period=period, superseded=False).update(superseded=True)
        period.published_at = None
        fields.append("published_at")
    if workflow.rules_of(to_phase).frozen:  # publishing: computed and sealed at once
        results_compute(period=period, stage=Stage.FINAL)
        results_seal(period=period)
        period.published_at = timezone.now()
        fields.append("published_at")
    elif step.computes:
        signals.round_closed.send(
            sender=phase_move, actor=actor, period=period, stage=step.computes
        )
    period.phase = to_phase
    period.save(update_fields=fields)
    entry = audit_record(
        period=period,
        actor=actor,
        action=AuditAction.PHASE,
        old={"phase": old_phase},
        new={
            "phase": to_phase,
            "prefilled_scores": copied,
            "consequences": [c.as_json() for c in consequences],
        },
        reason=reason,
    )
    phase_notify(period=period, old_phase=old_phase, reason=reason, key=f"phase:{entry.pk}")
    if workflow.rules_of(to_phase).agency_evidence == workflow.EVIDENCE_FLAGGED:
        supplement_requests_notify(period)  # the flagged units may now supplement
    return period


@transaction.atomic
def unsubmitted_policy_set(*, actor, period: Period, policy: str) -> Period:
    """What the year does with units that never submit (the secretariat, before round 1):
    appraise their drafts, marked "không nộp hồ sơ", or leave them out of the ranking."""
    permission_require(actor, "appraisal.manage_cycle", period)
    period = period_lock(period)
    if policy not in UnsubmittedPolicy.values:
        raise ValidationError(
            _("Hãy chọn cách xử lý đơn vị không nộp hồ sơ."), code="invalid_policy"
        )
    if not actor.has_perm("appraisal.set_unsubmitted_policy", period):
        raise ValidationError(
            _("Thẩm định đã bắt đầu: không thể thay đổi cách xử lý đơn vị không nộp hồ sơ."),
            code="phase",
        )
    if period.unsubmitted_policy == policy:
        return period
    old = period.unsubmitted_policy
    period.unsubmitted_policy = policy
    period.save(update_fields=["unsubmitted_policy"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.UNSUBMITTED_POLICY,
        old={"unsubmitted_policy": old},
        new={"unsubmitted_policy": policy},
    )
    return period
