"""Who may do what with evidence files, on top of the scoring perms of the dossier.

- `evidence.view_file` (EvidenceFile): view/download/preview = may view the dossier.
- `evidence.upload_file` (Assessment): upload/link into the dossier = may edit the
  self-assessment (staff/head of the unit, period in self-assessment, dossier in draft).
- `evidence.edit_file` (EvidenceFile): link/unlink/remove an existing file = the same, on
  the file's dossier, and the file is not removed.
"""

import rules

from appraisal.rules import may_supplement_evidence


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


rules.add_perm("evidence.view_file", file_is_active & can_view_file_assessment)
rules.add_perm("evidence.upload_file", can_edit_assessment | may_supplement_evidence)
rules.add_perm("evidence.edit_file", file_is_active & can_edit_file_assessment)
