"""The council's opinions on the final results and the publishing decision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.enums import AuditAction
from scoring.models import Period
from scoring.services import audit_record
from units.enums import RoleKind

from ..enums import CouncilDecision, NotificationKind
from ..models import CouncilApproval
from ..notifications import notify
from .guards import period_lock, permission_require, refuse_frozen
from .notifications import link, role_user_ids


@transaction.atomic
def council_approve(
    *, actor, period: Period, decision: str = CouncilDecision.APPROVED, comment: str = ""
) -> CouncilApproval:
    """A council member's opinion on the final results: approval, or an objection with a
    comment (who, when, what recorded; a new opinion replaces the member's earlier one, the
    audit trail keeps both). An objection is told to the secretariat."""
    period = period_lock(period)
    if not actor.has_perm("appraisal.approve", period):
        if actor.has_perm("appraisal.view_cycle", period):
            raise ValidationError(
                _("Chỉ thông qua được khi kỳ đánh giá ở giai đoạn Hội đồng."), code="phase"
            )
        raise PermissionDenied
    if decision not in CouncilDecision.values:
        raise ValidationError(_("Hãy chọn thông qua hoặc không thông qua."), code="decision")
    comment = (comment or "").strip()
    if decision == CouncilDecision.OBJECTED and not comment:
        raise ValidationError(
            _("Hãy ghi ý kiến khi không thông qua kết quả."), code="comment_required"
        )
    approval = CouncilApproval.objects.filter(period=period, member=actor, superseded=False).first()
    if approval is not None and (approval.decision, approval.comment) == (decision, comment):
        return approval
    old = None if approval is None else {"decision": approval.decision, "comment": approval.comment}
    if approval is None:
        approval = CouncilApproval(period=period, member=actor)
    approval.decision, approval.comment, approval.approved_at = decision, comment, timezone.now()
    approval.save()
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.APPROVAL,
        old=old,
        new={"member": actor.username, "decision": decision, "comment": comment},
        reason=comment,
    )
    if decision == CouncilDecision.OBJECTED:
        notify(
            kind=NotificationKind.COUNCIL,
            key=f"council:{period.year}:{approval.pk}:{approval.approved_at.isoformat()}",
            user_ids=role_user_ids(period, RoleKind.SECRETARIAT),
            period=period,
            link=link("appraisal_council", period.year),
            title=_("Hội đồng: %(member)s không thông qua kết quả năm %(year)s")
            % {"member": actor.full_name or actor.username, "year": period.year},
            text=_("Ý kiến: %(comment)s") % {"comment": comment},
        )
    return approval


@transaction.atomic
def decision_record(*, actor, period: Period, number: str, date, signer: str) -> Period:
    """The publishing decision: number, date and signer (needed to publish)."""
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    period = period_lock(period)
    number, signer = (number or "").strip(), (signer or "").strip()
    if not (number and date and signer):
        raise ValidationError(
            _("Cần đủ số quyết định, ngày quyết định và người ký."), code="required"
        )
    old = {
        "number": period.decision_number,
        "signer": period.decision_signer,
        "date": period.decision_date.isoformat() if period.decision_date else None,
    }
    period.decision_number, period.decision_date, period.decision_signer = number, date, signer
    period.save(update_fields=["decision_number", "decision_date", "decision_signer"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.DECISION,
        old=old,
        new={"number": number, "signer": signer, "date": date.isoformat()},
    )
    return period
