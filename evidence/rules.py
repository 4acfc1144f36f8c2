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
- `evidence.correct_reading` (EvidenceFile): correct a field read from the file = the
  agency while it may add evidence to the dossier (its draft, or the supplement window), or
  an appraiser who may score a leaf the file backs now (appraisal.score_item: assigned to
  its field, the round open).
"""

import rules

from scoring.rules import (
    agency_adds_to_dossier,
    agency_edits_draft,
    leaf_flagged,
    own_assessment,
    phase_rules,
    supplement_window_open,
)
from scoring.workflow import Item


@rules.predicate
def can_view_file_assessment(user, evidence_file) -> bool:
    return evidence_file is not None and user.has_perm(
        "scoring.view_assessment", evidence_file.assessment
    )


@rules.predicate
def file_is_active(user, evidence_file) -> bool:
    return evidence_file is not None and evidence_file.removed_at is None


@rules.predicate
def scores_a_leaf_of_file(user, evidence_file) -> bool:
    """The user may score, now, a leaf the file backs. Asked of appraisal.score_item by name:
    assignments belong to the appraisal, a later layer than evidence."""
    found = phase_rules(evidence_file)
    stage = found.appraiser_scores if found else None
    if not stage:
        return False
    links = evidence_file.links.filter(removed_at__isnull=True).select_related("criterion")
    return any(
        user.has_perm("appraisal.score_item", Item(evidence_file.assessment, link.criterion, stage))
        for link in links
    )


# The whole dossier takes evidence while the draft may change.
adds_to_dossier = agency_edits_draft & agency_adds_to_dossier
# Flagged leaves take it in the supplement window.
supplements = own_assessment & supplement_window_open

rules.add_perm("evidence.view_file", file_is_active & can_view_file_assessment)
rules.add_perm("evidence.upload_file", adds_to_dossier | supplements)
rules.add_perm("evidence.add_to_leaf", adds_to_dossier | (supplements & leaf_flagged))
rules.add_perm("evidence.edit_file", file_is_active & adds_to_dossier)
rules.add_perm(
    "evidence.correct_reading",
    file_is_active & (adds_to_dossier | supplements | scores_a_leaf_of_file),
)
