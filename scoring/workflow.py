"""The yearly cycle as data: what each role may do in each phase, and the allowed moves.

The one table of phases. Each field of PhaseRules drives one family of predicates in the
rules modules (scoring.rules, appraisal.rules, evidence.rules, reports.rules), and nothing
else decides which stage is open or what an agency sees:

| field | drives |
| --- | --- |
| agency_scores | the agency's self-scoring and submission (scoring.edit_self_assessment…) |
| appraiser_scores | which round assigned appraisers score and cross-checks are decided |
| appraisal_started | appraisers see every dossier of the year, submitted or not |
| agency_evidence | who adds evidence: the whole dossier, or the flagged leaves only |
| agency_sees | the stages (figures and comments) an agency sees of its own dossier |
| supplement_requests_sent | the round-1 supplement requests (and their letter) have reached the agencies |
| council_approves | council members approve |
| frozen | nothing of the year may change: every write is refused |
| results_public | results, ranks and everything derived from them are public |
| window | the Period dates bounding the agency's writes in the phase |

Conditions of a move are names resolved by appraisal.services (they read the database);
`copies` says which stage is prefilled from which on entering a phase; `computes` which
stage's results are recomputed; entering a frozen phase computes and seals them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from scoring.enums import Phase, Stage

# What an agency may add evidence to.
EVIDENCE_ALL = "all"
EVIDENCE_FLAGGED = "flagged"


@dataclass(frozen=True)
class PhaseRules:
    agency_scores: str | None = None  # the stage the agency scores
    appraiser_scores: str | None = None  # the stage assigned appraisers score
    appraisal_started: bool = False  # appraisers see every dossier, submitted or not
    agency_evidence: str | None = None  # EVIDENCE_ALL / EVIDENCE_FLAGGED / None
    agency_sees: frozenset = frozenset({Stage.SELF})  # stages an agency sees of its dossier
    supplement_requests_sent: bool = False  # the agencies have their supplement requests
    council_approves: bool = False
    frozen: bool = False  # nothing of the year may change
    results_public: bool = False
    window: tuple[str, str] | None = None  # Period date fields bounding the agency's writes


PHASES: dict[str, PhaseRules] = {
    Phase.SETUP: PhaseRules(),
    Phase.SELF_ASSESSMENT: PhaseRules(agency_scores=Stage.SELF, agency_evidence=EVIDENCE_ALL),
    Phase.ROUND1: PhaseRules(appraiser_scores=Stage.ROUND1, appraisal_started=True),
    Phase.ROUND1_CLOSED: PhaseRules(
        appraisal_started=True, agency_sees=frozenset({Stage.SELF, Stage.ROUND1})
    ),
    Phase.SUPPLEMENT: PhaseRules(
        appraisal_started=True,
        supplement_requests_sent=True,
        agency_evidence=EVIDENCE_FLAGGED,
        agency_sees=frozenset({Stage.SELF, Stage.ROUND1}),
        window=("supplement_start", "supplement_end"),
    ),
    Phase.ROUND2: PhaseRules(
        appraiser_scores=Stage.FINAL,
        appraisal_started=True,
        supplement_requests_sent=True,
        agency_sees=frozenset({Stage.SELF, Stage.ROUND1}),
    ),
    Phase.COUNCIL: PhaseRules(
        council_approves=True,
        appraisal_started=True,
        supplement_requests_sent=True,
        agency_sees=frozenset({Stage.SELF, Stage.ROUND1}),
    ),
    Phase.PUBLISHED: PhaseRules(
        appraisal_started=True,
        supplement_requests_sent=True,
        agency_sees=frozenset({Stage.SELF, Stage.ROUND1, Stage.FINAL}),
        frozen=True,
        results_public=True,
    ),
}


@dataclass(frozen=True)
class Transition:
    to: str
    conditions: tuple[str, ...] = ()
    reason_required: bool = False
    copies: tuple[str, str] | None = None  # (from stage, to stage) prefilled on the move
    computes: str | None = None  # stage whose results are (re)computed after the move
    reopens: bool = False  # approvals given before are superseded


TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    Phase.SETUP: (Transition(Phase.SELF_ASSESSMENT),),
    Phase.SELF_ASSESSMENT: (
        Transition(
            Phase.ROUND1,
            conditions=("unsubmitted_policy_chosen",),
            copies=(Stage.SELF, Stage.ROUND1),
        ),
    ),
    Phase.ROUND1: (
        Transition(
            Phase.ROUND1_CLOSED, conditions=("no_open_cross_checks",), computes=Stage.ROUND1
        ),
    ),
    Phase.ROUND1_CLOSED: (
        Transition(Phase.SUPPLEMENT, conditions=("supplement_dates_set",)),
        Transition(Phase.ROUND1, reason_required=True),
    ),
    Phase.SUPPLEMENT: (Transition(Phase.ROUND2, copies=(Stage.ROUND1, Stage.FINAL)),),
    Phase.ROUND2: (
        Transition(
            Phase.COUNCIL,
            conditions=("no_open_cross_checks", "round2_settled"),
            computes=Stage.FINAL,
        ),
    ),
    Phase.COUNCIL: (
        Transition(
            Phase.PUBLISHED,
            conditions=("council_approved", "decision_recorded"),
            computes=Stage.FINAL,
        ),
        Transition(Phase.ROUND2, reason_required=True),
    ),
    Phase.PUBLISHED: (Transition(Phase.ROUND2, reason_required=True, reopens=True),),
}

# The deadlines reminded 3 and 1 working days before: Period date field → (the phase it ends,
# who is reminded).
DEADLINES: dict[str, tuple[str, str]] = {
    "self_assessment_deadline": (Phase.SELF_ASSESSMENT, "agency"),
    "round1_end": (Phase.ROUND1, "appraiser"),
    "supplement_end": (Phase.SUPPLEMENT, "agency_flagged"),
    "round2_end": (Phase.ROUND2, "appraiser"),
}
REMINDER_DAYS = (3, 1)

# The Period date fields bounding each round (a stage the appraisers score).
ROUND_DATES: dict[str, tuple[str, str]] = {
    Stage.ROUND1: ("round1_start", "round1_end"),
    Stage.FINAL: ("round2_start", "round2_end"),
}

REFUSALS = {
    "not_allowed": _("Không thể chuyển từ giai đoạn “%(from)s” sang “%(to)s”."),
    "reason_required": _("Cần ghi rõ lý do khi chuyển ngược giai đoạn hoặc mở lại."),
    "reason_early": _("Chuyển giai đoạn khi chưa đến hạn của một số đơn vị: cần ghi rõ lý do."),
    "confirm_required": _(
        "Việc chuyển giai đoạn này có hệ quả (xem danh sách); hãy xác nhận để tiếp tục."
    ),
}


# The stage whose supplement requests (flags) the agency answers in a FLAGGED phase.
FLAG_STAGE = Stage.ROUND1


def rules_of(phase: str) -> PhaseRules:
    return PHASES[phase]


def phases_where(test) -> list[str]:
    """The phases whose rules pass `test` (for database filters), e.g.
    phases_where(lambda r: r.results_public)."""
    return [phase for phase, phase_rules in PHASES.items() if test(phase_rules)]


def evidence_stage(phase: str) -> str | None:
    """The stage evidence added in this phase answers: the stage the agency scores when it
    may add to the whole dossier; round 1's requests when only flagged leaves take it."""
    phase_rules = rules_of(phase)
    if phase_rules.agency_evidence == EVIDENCE_ALL:
        return phase_rules.agency_scores
    if phase_rules.agency_evidence == EVIDENCE_FLAGGED:
        return FLAG_STAGE
    return None


def transition(from_phase: str, to_phase: str) -> Transition | None:
    return next((t for t in TRANSITIONS.get(from_phase, ()) if t.to == to_phase), None)


def next_round(phase: str) -> str | None:
    """The next phase, by forward moves only, in which appraisers score (None: no round is
    ahead of `phase`)."""
    seen = {phase}
    while True:
        forward = [t.to for t in TRANSITIONS.get(phase, ()) if not t.reason_required]
        if not forward or forward[0] in seen:
            return None
        phase = forward[0]
        seen.add(phase)
        if rules_of(phase).appraiser_scores:
            return phase


def now_or_ahead(phase: str, test) -> bool:
    """`phase`, or a phase ahead of it by forward moves, passes `test` (e.g. the supplement
    window is open now or still to come)."""
    seen = set()
    while phase not in seen:
        if test(rules_of(phase)):
            return True
        seen.add(phase)
        forward = [t.to for t in TRANSITIONS.get(phase, ()) if not t.reason_required]
        if not forward:
            return False
        phase = forward[0]
    return False


def next_phases(phase: str) -> list[str]:
    return [t.to for t in TRANSITIONS.get(phase, ())]


@dataclass(frozen=True)
class Item:
    """One leaf of one dossier at one stage: the object the scoring permissions are asked on.

    With criterion None: a whole stage of the dossier (what the unit may see of it)."""

    assessment: object  # scoring.Assessment (with period and unit loaded)
    criterion: object  # scoring.Criterion (a leaf), or None
    stage: str


@dataclass(frozen=True)
class UnitYear:
    """A unit in one year: the object of its scorecard and improvement plan."""

    unit: object  # units.Unit
    period: object  # scoring.Period
