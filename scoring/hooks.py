"""What the later apps lend scoring, registered when they start (their AppConfig.ready()).

Scoring comes before evidence and appraisal in the order of the apps (README, Architecture:
units → scoring → evidence → appraisal → reports), so it never imports them. Where a scoring
page or write needs their answer — the dossier's evidence on the self-assessment forms, the
evidence rules of a criterion's `params`, whether the council already approved a year — it
asks here, and the app that knows fills the slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DossierEvidence:
    """The evidence app's answers about a dossier (registered by EvidenceConfig.ready)."""

    files: Callable  # (*, assessment) -> the dossier's files
    by_criterion: Callable  # (*, assessment) -> {criterion id: [files]}
    counts: Callable  # (*, assessment) -> {criterion id: count}
    counts_by_assessment: Callable  # (*, period) -> {assessment id: {criterion id: count}}
    warnings: Callable  # (*, actor, assessment) -> the warnings per leaf
    warnings_confirm: Callable  # (*, actor, assessment, warnings) -> the record kept at submit


# Whether a year's results were already approved by the council (appraisal), so that a later
# change is marked in the audit trail: functions of the period id.
approval_checks: list[Callable[[int], bool]] = []

# The problems of a criterion's `params` (evidence: its "evidence" rules), checked at import:
# functions of the params dict returning messages.
criterion_params_checks: list[Callable[[dict], list[str]]] = []

# The evidence app, once it has started (None: scoring alone, e.g. a bare import in a script).
evidence: DossierEvidence | None = None


def evidence_register(answers: DossierEvidence) -> None:
    global evidence
    evidence = answers


def register(checks: list, check: Callable) -> None:
    """Add a check once (ready() may run more than once in tests)."""
    if check not in checks:
        checks.append(check)
