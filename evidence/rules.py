"""Who may do what with evidence files, on top of the scoring perms of the dossier.

- `evidence.view_file` (EvidenceFile): view/download/preview = may view the dossier.
- `evidence.upload_file` (Assessment): upload/link into the dossier = may edit the
  self-assessment (staff/head of the unit, period in self-assessment, dossier in draft).
- `evidence.edit_file` (EvidenceFile): link/unlink/remove an existing file = the same, on
  the file's dossier, and the file is not removed.
- `evidence.correct_reading` (EvidenceFile): correct a field read from the file = the
  agency while it may add evidence to the dossier (self-assessment, supplement window), or
  an appraiser assigned to a leaf the file backs while that round is open to appraisers.
"""

import rules

from appraisal import workflow
from appraisal.models import Assignment
from appraisal.rules import may_supplement_evidence
from units.rules import is_appraiser


@rules.predicate
def can_view_file_assessment(user, evidence_file) -> bool:
    return evidence_file is not None and user.has_perm(
        "scoring.view_assessment", evidence_file.assessment
    )


@rules.predicate
def can_edit_assessment(user, assessment) -> bool:
    return assessment is not None and user.has_perm("scoring.edit_self_assessment", assessment)


@rules.predicate
def can_edit_file_assessment(user, evidence_file) -> bool:
    return evidence_file is not None and user.has_perm(
        "scoring.edit_self_assessment", evidence_file.assessment
    )


@rules.predicate
def file_is_active(user, evidence_file) -> bool:
    return evidence_file is not None and evidence_file.removed_at is None


@rules.predicate
def may_supplement_file_assessment(user, evidence_file) -> bool:
    return evidence_file is not None and may_supplement_evidence(user, evidence_file.assessment)


@rules.predicate
def assigned_to_file(user, evidence_file) -> bool:
    """An appraiser assigned to the field of a leaf the file backs, in a round they score."""
    if evidence_file is None:
        return False
    assessment = evidence_file.assessment
    if workflow.rules_of(assessment.period.phase).appraiser_scores is None:
        return False
    codes = {
        code.split(".")[0]
        for code in evidence_file.links.filter(removed_at__isnull=True).values_list(
            "criterion__code", flat=True
        )
    }
    return bool(codes) and (
        Assignment.objects.filter(
            period_id=assessment.period_id,
            unit_id=assessment.unit_id,
            field__code__in=codes,
            appraiser_id=user.pk,
        ).exists()
    )


rules.add_perm("evidence.view_file", file_is_active & can_view_file_assessment)
rules.add_perm("evidence.upload_file", can_edit_assessment | may_supplement_evidence)
rules.add_perm("evidence.edit_file", file_is_active & can_edit_file_assessment)
rules.add_perm(
    "evidence.correct_reading",
    file_is_active
    & (
        can_edit_file_assessment
        | may_supplement_file_assessment
        | (is_appraiser & assigned_to_file)
    ),
)
