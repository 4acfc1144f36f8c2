"""Who may do what with evidence files, on the access model of scoring.rules.

- `evidence.view_file` (EvidenceFile): view/download/preview = may view the dossier
  (scoring.view_assessment: the unit, the province of the year, appraisers of the year once
  the dossier is open to them).
- `evidence.upload_file` (Assessment): the unit adds evidence now: the whole dossier while
  it may change its draft (agency_evidence = all), or flagged leaves in the supplement
  window (agency_evidence = flagged).
- `evidence.add_to_leaf` (Item): the same for one leaf (in the supplement window only a
  leaf round 1 flagged).
- `evidence.edit_file` (EvidenceFile): link/unlink/remove an existing file = the unit may
  change its draft, and the file is not removed.
"""

import rules

from scoring.rules import (
    agency_adds_to_dossier,
    agency_edits_draft,
    leaf_flagged,
    own_assessment,
    supplement_window_open,
)


@rules.predicate
def can_view_file_assessment(user, evidence_file) -> bool:
    return evidence_file is not None and user.has_perm(
        "scoring.view_assessment", evidence_file.assessment
    )


@rules.predicate
def file_is_active(user, evidence_file) -> bool:
    return evidence_file is not None and evidence_file.removed_at is None


# The whole dossier takes evidence while the draft may change.
adds_to_dossier = agency_edits_draft & agency_adds_to_dossier
# Flagged leaves take it in the supplement window.
supplements = own_assessment & supplement_window_open

rules.add_perm("evidence.view_file", file_is_active & can_view_file_assessment)
rules.add_perm("evidence.upload_file", adds_to_dossier | supplements)
rules.add_perm("evidence.add_to_leaf", adds_to_dossier | (supplements & leaf_flagged))
rules.add_perm("evidence.edit_file", file_is_active & adds_to_dossier)
