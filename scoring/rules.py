"""The access model of the portal: who may read and write what of a year, in which phase.

Every permission is a question about the user's roles **and their years** (units.rules: a
role of 2023 counts for nothing in 2025, a role with no year for every year), the unit
(staff and head of the unit that owns the object), the appraiser's assignment and home unit
(appraisal.rules), and the **phase of the object's year** — read from the one phase table,
scoring.workflow.PHASES. Views, API, exports, templates and services all ask these
predicates with the object (`user.has_perm("scoring.…", obj)`); appraisal, evidence and
reports build their rules on them. "Not yours" is answered as "not found" (404) by the
access helpers of each app's selectors.

What each side sees of a year, by phase (the phase table's field in brackets):

| who | reads | from |
| --- | --- | --- |
| staff and head of the unit | its dossier: self scores, explanations, exemptions, evidence | always |
| | round-1 figures and comments (names of appraisers hidden) | round 1 closed (agency_sees) |
| | final figures, comments, index, band, rank, and everything derived from them: the scorecard (page, XLSX, PDF), the improvement plan, its exports, the API | published (agency_sees, results_public) |
| appraiser of the year | a dossier once it is submitted; an unsubmitted one once the appraisal has started, shown as not submitted | (appraisal_started) |
| secretariat, council, leadership of the year | every dossier, every stage, every result of the year | always |
| anyone, signed in or not | the ranking, the published report, open data | published (results_public) |

What an appraiser of the year may read of a dossier they see: its header (unit, status,
submission time, late), every field's self scores, explanations, exemptions and evidence
files, and the round-1 and final scores and comments of every field (API: the dossier and
its scores; evidence: download and preview). The working group compares units and settles
each round's results together, so one field's appraiser may read another's. The appraisal
pages of an item (its field page, its history, its save) only for the (unit, field) items
assigned to them, and the cross-check page only for cross-checks given to them. An
appraiser of another year reads nothing of this year's dossiers.

Who writes what, by phase:

| write | who | when |
| --- | --- | --- |
| self scores, exemption claims, evidence | staff and head of the unit, dossier in draft | the agency scores the self stage (agency_scores, agency_evidence), before the unit's deadline and until the secretariat closes self-assessment |
| submit / withdraw the dossier | the head | self-assessment phase; late submissions recorded; withdraw before the deadline; neither once closed |
| round scores, exemptions, supplement flags | the appraiser assigned to the (unit, field) | the round is open (appraiser_scores); on their home unit the value waits for a cross-check |
| cross-check decisions | the appraiser it is given to, never of the unit's home | the round is open |
| supplement (explanation, evidence on flagged leaves) | staff and head of the unit | the supplement window (agency_evidence, window) |
| council approval | council members of the year | council phase (council_approves) |
| phases, team, assignments, decision, criteria, inputs, index runs | the secretariat of the year | any phase that is not frozen (reopening a published year, with a reason, is the only move out of it) |
| improvement plan | the unit's staff and head, the secretariat of the year | once published |

Nothing of a frozen (published) year changes (frozen) until the secretariat reopens it.
"""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils import timezone

from units.enums import UNIT_ROLES, RoleKind
from units.rules import (
    PROVINCE_ROLES,
    heads_unit,
    is_appraiser,
    is_province_staff,
    is_secretariat,
    roles_of,
    works_in_unit,
)

from . import workflow
from .enums import AssessmentStatus, Stage, UnsubmittedPolicy
from .models import Assessment, DeadlineExtension, LeafScore, Period

# --- what an object is about --------------------------------------------------------------


def period_of(obj):
    """The Period an object belongs to (itself, or through its period or assessment)."""
    if obj is None:
        return None
    if isinstance(obj, Period):
        return obj
    for name in ("period", "assessment"):
        inner = getattr(obj, name, None)
        if inner is not None and inner is not obj:
            return period_of(inner)
    return None


def assessment_of(obj):
    """The dossier an object is about (itself, or an item's, a cross-check's, a file's)."""
    if obj is None or isinstance(obj, Assessment):
        return obj
    return getattr(obj, "assessment", None)


def phase_rules(obj) -> workflow.PhaseRules | None:
    """The phase table's row for the object's year (None: the object has no year)."""
    period = period_of(obj)
    return None if period is None else workflow.rules_of(period.phase)


# --- the deadlines of a unit ----------------------------------------------------------------


def unit_extensions(assessment) -> dict:
    """The unit's extensions {Period deadline field: DeadlineExtension} (one query, kept on
    the object; a prefetched `extensions` is used as it is)."""
    cached = getattr(assessment, "_extensions_by_deadline", None)
    if cached is None:
        prefetched = getattr(assessment, "_prefetched_objects_cache", {}).get("extensions")
        rows = (
            prefetched
            if prefetched is not None
            else DeadlineExtension.objects.filter(assessment_id=assessment.pk)
        )
        cached = {row.deadline: row for row in rows}
        assessment._extensions_by_deadline = cached
    return cached


def unit_extensions_preload(assessments) -> None:
    """The extensions of many dossiers in one query, kept on each (for lists: the deadlines
    of a page of dossiers cost one query, not one each)."""
    missing = [a for a in assessments if getattr(a, "_extensions_by_deadline", None) is None]
    if not missing:
        return
    by_assessment: dict[int, dict] = {a.pk: {} for a in missing}
    for row in DeadlineExtension.objects.filter(assessment_id__in=list(by_assessment)):
        by_assessment[row.assessment_id][row.deadline] = row
    for assessment in missing:
        assessment._extensions_by_deadline = by_assessment[assessment.pk]


def unit_extension_forget(assessment) -> None:
    """After an extension changed: the object reads it again."""
    assessment.__dict__.pop("_extensions_by_deadline", None)
    getattr(assessment, "_prefetched_objects_cache", {}).pop("extensions", None)


def extension_in_force(assessment, name: str):
    """The unit's extension of deadline `name` when it is later than the year's, else None."""
    base = getattr(assessment.period, name)
    extension = unit_extensions(assessment).get(name) if assessment.pk else None
    if base is None or extension is None or extension.until <= base:
        return None
    return extension


def unit_deadline(assessment, name: str):
    """The deadline `name` (a Period field: self_assessment_deadline, supplement_end) of
    this unit: the year's, or the unit's extension when later. The one function that
    answers "the deadline of this unit": the late flag, the trust rules (drafts change,
    submissions, withdrawals, supplements), reminders, "what to do now" and the tracker."""
    extension = extension_in_force(assessment, name)
    return extension.until if extension is not None else getattr(assessment.period, name)


def self_assessment_deadline(assessment):
    """The deadline of this unit's self-assessment (its extension included)."""
    return unit_deadline(assessment, "self_assessment_deadline")


def phase_window_open(obj, now=None) -> bool:
    """Server time within the phase's window (a phase without a window: always open); for
    a dossier (or an item of one) the window ends at the unit's own deadline."""
    period = period_of(obj)
    bounds = workflow.rules_of(period.phase).window
    if bounds is None:
        return True
    start_name, end_name = bounds
    assessment = assessment_of(obj)
    start = getattr(period, start_name)
    end = (
        unit_deadline(assessment, end_name) if assessment is not None else getattr(period, end_name)
    )
    now = now or timezone.now()
    return start is not None and end is not None and start <= now <= end


def self_deadline_passed(assessment, now=None) -> bool:
    deadline = self_assessment_deadline(assessment)
    return deadline is not None and (now or timezone.now()) > deadline


def self_assessment_open(assessment, now=None) -> bool:
    """The unit may still change its draft: before its deadline, and the secretariat has not
    closed self-assessment."""
    return not assessment.period.self_assessment_closed and not self_deadline_passed(
        assessment, now
    )


# --- a unit that never submitted -------------------------------------------------------------


def never_submitted(assessment, appraisal_started: bool | None = None) -> bool:
    """The dossier is still a draft once the appraisal has started (appraisal_started): the
    unit never submitted it, and is marked "không nộp hồ sơ" wherever it appears."""
    if appraisal_started is None:
        appraisal_started = workflow.rules_of(assessment.period.phase).appraisal_started
    return appraisal_started and assessment.status == AssessmentStatus.DRAFT


def left_out_of_ranking(assessment, appraisal_started: bool | None = None) -> bool:
    """A unit that never submitted is left out of the ranking when the year chose so
    (Period.unsubmitted_policy). Not chosen — possible only for a year not moved to round 1
    through the portal, which asks for the choice — its draft is ranked, still marked."""
    return (
        never_submitted(assessment, appraisal_started)
        and assessment.period.unsubmitted_policy == UnsubmittedPolicy.EXCLUDE
    )


# --- predicates of the phase table ----------------------------------------------------------


@rules.predicate
def results_public(user, obj) -> bool:
    """The year's results and everything derived from them are public (results_public)."""
    found = phase_rules(obj)
    return found is not None and found.results_public


@rules.predicate
def year_not_frozen(user, obj) -> bool:
    """Writes are possible: the object's year is not frozen (an object without a year, e.g.
    a year not created yet, is not frozen)."""
    found = phase_rules(obj)
    return found is None or not found.frozen


@rules.predicate
def agency_scores_self(user, obj) -> bool:
    """The phase lets the agency score the self stage (agency_scores)."""
    found = phase_rules(obj)
    return found is not None and found.agency_scores == Stage.SELF


@rules.predicate
def agency_adds_to_dossier(user, obj) -> bool:
    """The phase takes evidence for the whole dossier (agency_evidence = all)."""
    found = phase_rules(obj)
    return found is not None and found.agency_evidence == workflow.EVIDENCE_ALL


@rules.predicate
def supplement_window_open(user, obj) -> bool:
    """The phase takes evidence and explanations for flagged leaves only, and server time is
    within its window (agency_evidence = flagged, window), which for a unit ends at its own
    deadline (an extension)."""
    period = period_of(obj)
    if period is None:
        return False
    found = workflow.rules_of(period.phase)
    return found.agency_evidence == workflow.EVIDENCE_FLAGGED and phase_window_open(obj)


@rules.predicate
def agency_sees_stage(user, item) -> bool:
    """The agency sees this stage of its dossier in the phase (agency_sees)."""
    found = phase_rules(item)
    return found is not None and item.stage in found.agency_sees


@rules.predicate
def appraisal_started(user, obj) -> bool:
    found = phase_rules(obj)
    return found is not None and found.appraisal_started


# --- predicates of the dossier ------------------------------------------------------------


@rules.predicate
def own_assessment(user, obj) -> bool:
    """Staff or head of the dossier's unit (for its year)."""
    assessment = assessment_of(obj)
    return assessment is not None and works_in_unit(user, assessment)


@rules.predicate
def heads_assessment_unit(user, obj) -> bool:
    assessment = assessment_of(obj)
    return assessment is not None and heads_unit(user, assessment)


@rules.predicate
def assessment_is_draft(user, obj) -> bool:
    assessment = assessment_of(obj)
    return assessment is not None and assessment.status == AssessmentStatus.DRAFT


@rules.predicate
def assessment_is_submitted(user, obj) -> bool:
    assessment = assessment_of(obj)
    return assessment is not None and assessment.status == AssessmentStatus.SUBMITTED


@rules.predicate
def assessment_before_deadline(user, obj) -> bool:
    """Server time before the unit's self-assessment deadline (none set: always before)."""
    assessment = assessment_of(obj)
    return assessment is not None and not self_deadline_passed(assessment)


@rules.predicate
def assessment_submissions_open(user, obj) -> bool:
    assessment = assessment_of(obj)
    return assessment is not None and not assessment.period.self_assessment_closed


@rules.predicate
def self_assessment_writable(user, obj) -> bool:
    """Before the unit's deadline and not closed by the secretariat."""
    assessment = assessment_of(obj)
    return assessment is not None and self_assessment_open(assessment)


@rules.predicate
def dossier_open_to_appraisers(user, obj) -> bool:
    """Submitted, or the appraisal has started (an unsubmitted dossier is then shown as
    such)."""
    assessment = assessment_of(obj)
    return assessment is not None and (
        assessment.status == AssessmentStatus.SUBMITTED or appraisal_started(user, assessment)
    )


@rules.predicate
def leaf_flagged(user, item) -> bool:
    """Round 1 asked the unit to supplement this leaf (the flag the supplement answers)."""
    return (
        item is not None
        and item.criterion is not None
        and LeafScore.objects.filter(
            assessment_id=item.assessment.pk,
            criterion_id=item.criterion.pk,
            stage=workflow.FLAG_STAGE,
            supplement_requested=True,
        ).exists()
    )


# An appraiser of the dossier's year who may read it (see the module's docstring).
appraiser_reads_dossier = is_appraiser & dossier_open_to_appraisers
# The unit's people may change the draft now (self stage).
agency_edits_draft = (
    own_assessment & agency_scores_self & assessment_is_draft & self_assessment_writable
)

# Results of a period: anyone once public; the province's staff of that year before.
rules.add_perm("scoring.view_results", results_public | is_province_staff)
# The year's set-up (criteria): the secretariat of that year (a year: a Period or its number).
rules.add_perm("scoring.manage_period", is_secretariat)


@rules.predicate
def period_before_round1(user, period) -> bool:
    """The appraisal has not started (appraisal_started): the year's units may still change."""
    found = phase_rules(period)
    return found is not None and not found.appraisal_started


# A year's units: its lineage (any year: a year published before lineage was recorded
# may get it later, audited) and its set-up (units and groups, before round 1).
rules.add_perm("scoring.manage_unit_changes", is_secretariat)
rules.add_perm("scoring.set_up_year", is_secretariat & period_before_round1)

# A unit's dossier.
rules.add_perm(
    "scoring.view_assessment", own_assessment | is_province_staff | appraiser_reads_dossier
)
# A stage of a dossier (Item with no criterion): the unit sees what the phase shows it.
rules.add_perm(
    "scoring.view_stage",
    (own_assessment & agency_sees_stage) | is_province_staff | appraiser_reads_dossier,
)
rules.add_perm("scoring.edit_self_assessment", agency_edits_draft)
rules.add_perm(
    "scoring.submit_assessment",
    heads_assessment_unit & agency_scores_self & assessment_is_draft,
)
rules.add_perm(
    "scoring.withdraw_assessment",
    heads_assessment_unit & agency_scores_self & assessment_is_submitted,
)

# The workspace is the unit's own: agency staff and head only (others get a 404).
rules.add_perm("scoring.view_own_assessment", own_assessment)
# What the pages offer; the services re-check and explain a refusal.
rules.add_perm(
    "scoring.submit_assessment_now",
    heads_assessment_unit & agency_scores_self & assessment_is_draft & assessment_submissions_open,
)
rules.add_perm(
    "scoring.withdraw_assessment_now",
    heads_assessment_unit
    & agency_scores_self
    & assessment_is_submitted
    & assessment_before_deadline
    & assessment_submissions_open,
)


def visible_stages(user, assessment) -> list[str]:
    """The stages of a dossier `user` may see (scoring.view_stage, stage by stage)."""
    return [
        stage
        for stage in Stage.values
        if user.has_perm("scoring.view_stage", workflow.Item(assessment, None, stage))
    ]


# --- lists: the same rules as database filters ------------------------------------------


def _year_q(role, field: str) -> Q:
    """The role's year as a filter; a role with no year: every year (an explicit condition,
    since an empty Q() would vanish from an OR)."""
    if role.year is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{field: role.year})


def assessments_visible_q(user) -> Q:
    """The assessments `user` may see (scoring.view_assessment), as a filter."""
    started = workflow.phases_where(lambda r: r.appraisal_started)
    visible = Q(pk__in=[])
    for role in roles_of(user):
        year = _year_q(role, "period__year")
        if role.kind in UNIT_ROLES and role.unit_id:
            visible |= year & Q(unit_id=role.unit_id)
        elif role.kind in PROVINCE_ROLES:
            visible |= year
        elif role.kind == RoleKind.APPRAISER:
            visible |= year & (Q(status=AssessmentStatus.SUBMITTED) | Q(period__phase__in=started))
    return visible


def results_visible_q(user) -> Q:
    """The results `user` may see (scoring.view_results), as a filter."""
    visible = Q(period__phase__in=workflow.phases_where(lambda r: r.results_public))
    for role in roles_of(user):
        if role.kind in PROVINCE_ROLES:
            visible |= _year_q(role, "period__year")
    return visible
