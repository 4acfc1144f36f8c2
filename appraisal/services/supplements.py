"""The agency's supplement: explanations and evidence for the leaves flagged in round 1,
within the supplement window.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evidence import services as evidence_services
from scoring import rules as scoring_rules
from scoring import workflow
from scoring.enums import AuditAction, Stage
from scoring.models import Assessment
from scoring.services import audit_record
from scoring.workflow import Item

from ..models import Supplement
from .guards import assessment_lock, phase_label, when_text


def _check_supplement(actor, assessment: Assessment, criterion) -> None:
    item = Item(assessment, criterion, Stage.ROUND1)
    if not actor.has_perm("scoring.view_own_assessment", assessment):
        raise PermissionDenied
    if actor.has_perm("appraisal.supplement_item", item):
        return
    period = assessment.period
    if workflow.rules_of(period.phase).agency_evidence != workflow.EVIDENCE_FLAGGED:
        raise ValidationError(
            _("Giai đoạn “%(phase)s” không nhận giải trình bổ sung.")
            % {"phase": phase_label(period.phase)},
            code="phase",
        )
    if not scoring_rules.phase_window_open(assessment):
        raise ValidationError(
            _("Ngoài thời gian giải trình bổ sung (%(start)s – %(end)s); hồ sơ chỉ được xem.")
            % {
                "start": when_text(period.supplement_start),
                "end": when_text(scoring_rules.unit_deadline(assessment, "supplement_end")),
            },
            code="window_closed",
        )
    raise ValidationError(
        _("Tiêu chí %(code)s không thuộc danh sách phải giải trình bổ sung; chỉ được xem.")
        % {"code": criterion.code},
        code="not_flagged",
    )


@transaction.atomic
def supplement_explanation_set(
    *, actor, assessment: Assessment, criterion, explanation: str
) -> Supplement:
    """The agency's explanation for a flagged leaf, within the supplement window."""
    assessment = assessment_lock(assessment)
    _check_supplement(actor, assessment, criterion)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError(_("Hãy nhập nội dung giải trình."), code="required")
    supplement = Supplement.objects.filter(assessment=assessment, criterion=criterion).first()
    old = None if supplement is None else {"explanation": supplement.explanation}
    if supplement is not None and supplement.explanation == explanation:
        return supplement
    if supplement is None:
        supplement = Supplement(assessment=assessment, criterion=criterion)
    supplement.explanation = explanation
    supplement.updated_by = actor
    supplement.save()
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.SUPPLEMENT,
        assessment=assessment,
        criterion=criterion,
        stage=Stage.ROUND1,
        old=old,
        new={"explanation": explanation},
    )
    return supplement


@transaction.atomic
def supplement_evidence_upload(*, actor, assessment: Assessment, criterion, uploaded_files):
    """Evidence for a flagged leaf within the window, through the evidence app's service."""
    assessment = assessment_lock(assessment)
    _check_supplement(actor, assessment, criterion)
    # The evidence service checks the leaf again and writes the audit row.
    return evidence_services.evidence_upload_many(
        actor=actor, assessment=assessment, criterion=criterion, uploaded_files=uploaded_files
    )
