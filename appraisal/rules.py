"""Who may do what in the appraisal: the only place that decides it (django-rules).

Built on the access model of scoring.rules (roles by year, the unit, the phase table of
scoring.workflow); this module adds the appraiser's assignment and home unit and the
cross-check. A refusal of something that is not the user's is answered with a 404 by
appraisal.selectors' access helpers.

An appraiser works only on the (unit, field) items assigned to them for the year and on the
cross-checks given to them; what else of a dossier they may read is written in
scoring.rules.
"""

import rules

from scoring import workflow
from scoring.enums import Stage
from scoring.rules import (
    agency_scores_self,
    agency_sees_stage,
    appraiser_reads_dossier,
    assessment_of,
    leaf_flagged,
    own_assessment,
    period_before_round1,
    period_of,
    phase_rules,
    supplement_window_open,
    year_not_frozen,
)
from scoring.workflow import Item
from units.rules import home_unit_ids, is_appraiser, is_council, is_province_staff, is_secretariat

from .models import Assignment, CrossCheck


def _field_code(criterion) -> str:
    return criterion.code.split(".")[0]


def is_assigned(user, assessment, criterion) -> bool:
    return Assignment.objects.filter(
        period_id=assessment.period_id,
        unit_id=assessment.unit_id,
        field__code=_field_code(criterion),
        appraiser_id=user.pk,
    ).exists()


def is_home_unit(user, assessment) -> bool:
    return assessment.unit_id in home_unit_ids(user, assessment.period.year)


@rules.predicate
def assigned_to_item(user, item) -> bool:
    return (
        item is not None
        and user.is_authenticated
        and is_assigned(user, item.assessment, item.criterion)
    )


@rules.predicate
def stage_open_to_appraisers(user, item) -> bool:
    """The item's stage is the round the phase opens to appraisers (appraiser_scores)."""
    found = phase_rules(item)
    return found is not None and found.appraiser_scores == item.stage


@rules.predicate
def is_checker(user, cross_check) -> bool:
    return cross_check is not None and cross_check.checker_id == user.pk


@rules.predicate
def not_own_home_unit(user, cross_check) -> bool:
    return cross_check is not None and not is_home_unit(user, cross_check.assessment)


@rules.predicate
def council_phase(user, period) -> bool:
    """Council members approve in this phase (council_approves)."""
    found = phase_rules(period)
    return found is not None and found.council_approves


@rules.predicate
def is_assignment_holder(user, assignment) -> bool:
    return assignment is not None and assignment.appraiser_id == user.pk


@rules.predicate
def round_open(user, obj) -> bool:
    """Some round is open to appraisers in the phase of the object's year."""
    found = phase_rules(obj)
    return found is not None and found.appraiser_scores is not None


def _stage_item(assessment, stage):
    return Item(assessment, None, stage)


@rules.predicate
def agency_sees_round1(user, assessment) -> bool:
    return assessment is not None and agency_sees_stage(user, _stage_item(assessment, Stage.ROUND1))


@rules.predicate
def agency_sees_final(user, assessment) -> bool:
    return assessment is not None and agency_sees_stage(user, _stage_item(assessment, Stage.FINAL))


@rules.predicate
def own_item(user, item) -> bool:
    return item is not None and own_assessment(user, item.assessment)


# The secretariat of the year runs the cycle (phases, team, assignments, decision).
rules.add_perm("appraisal.manage_cycle", is_secretariat)
rules.add_perm("appraisal.change_cycle", is_secretariat & year_not_frozen)  # e.g. the dates
rules.add_perm("appraisal.view_cycle", is_province_staff)


@rules.predicate
def self_assessment_now_or_ahead(user, obj) -> bool:
    """The agency's self-assessment is open now or still to come (agency_scores)."""
    period = period_of(obj)
    return period is not None and workflow.now_or_ahead(
        period.phase, lambda r: r.agency_scores == Stage.SELF
    )


@rules.predicate
def supplement_now_or_ahead(user, obj) -> bool:
    """The supplement window is open now or still to come (agency_evidence = flagged)."""
    period = period_of(obj)
    return period is not None and workflow.now_or_ahead(
        period.phase, lambda r: r.agency_evidence == workflow.EVIDENCE_FLAGGED
    )


# Extensions of one unit's deadline (object: its Assessment), while that deadline can still
# matter.
rules.add_perm("appraisal.extend_self_assessment", is_secretariat & self_assessment_now_or_ahead)
rules.add_perm("appraisal.extend_supplement", is_secretariat & supplement_now_or_ahead)
# Reminding the units that have not submitted: while the agencies score themselves.
rules.add_perm("appraisal.remind_units", is_secretariat & agency_scores_self)
# What the year does with units that never submit: chosen before the appraisal starts.
rules.add_perm("appraisal.set_unsubmitted_policy", is_secretariat & period_before_round1)
# Appraisers of the year: their queue; a leaf only when assigned to it and its stage is open.
rules.add_perm("appraisal.view_queue", is_appraiser)
rules.add_perm(
    "appraisal.view_item", (assigned_to_item & appraiser_reads_dossier) | is_province_staff
)
rules.add_perm(
    "appraisal.score_item",
    is_appraiser & assigned_to_item & stage_open_to_appraisers & year_not_frozen,
)
rules.add_perm("appraisal.complete_assignment", is_appraiser & is_assignment_holder & round_open)
# Cross-check: the checker it is given to (of the year), never on their own home unit, while
# the stage is open; the page stays theirs to read.
rules.add_perm("appraisal.view_cross_check", is_appraiser & is_checker)
rules.add_perm(
    "appraisal.decide_cross_check",
    is_appraiser & is_checker & not_own_home_unit & stage_open_to_appraisers,
)
# Council members of the year approve during the council phase.
rules.add_perm("appraisal.approve", is_council & council_phase)
# The agency: its round-1 results once round 1 is closed; the final scorecard once published.
rules.add_perm("appraisal.view_round1_results", own_assessment & agency_sees_round1)
rules.add_perm("appraisal.view_final_results", own_assessment & agency_sees_final)
# Supplement: the unit's own people, in the window, on flagged leaves only.
rules.add_perm("appraisal.supplement_open", own_assessment & supplement_window_open)
rules.add_perm("appraisal.supplement_item", own_item & supplement_window_open & leaf_flagged)


@rules.predicate
def is_recipient(user, notification) -> bool:
    return notification is not None and notification.recipient_id == user.pk


@rules.predicate
def not_home_unit_of_dossier(user, obj) -> bool:
    """The object's dossier is not of one of the user's home units (for its year)."""
    assessment = assessment_of(obj)
    return assessment is not None and not is_home_unit(user, assessment)


@rules.predicate
def works_on_leaf(user, item) -> bool:
    """Assigned to the leaf's field of the dossier, or given a cross-check on the leaf."""
    return (
        item is not None
        and item.criterion is not None
        and user.is_authenticated
        and (
            is_assigned(user, item.assessment, item.criterion)
            or CrossCheck.objects.filter(
                assessment_id=item.assessment.pk,
                criterion_id=item.criterion.pk,
                checker_id=user.pk,
            ).exists()
        )
    )


# The working group's notes on a leaf (an Item): the members who work on it — the item's
# appraiser and whoever is given a cross-check on the leaf — while they read the dossier,
# never on their own home unit (they would carry the group's discussion home); and the
# secretariat of the year. Never the unit's own people, in any phase (a person holding both
# roles included). Written by the same people until the year is frozen.
notes_readers = (
    (appraiser_reads_dossier & not_home_unit_of_dossier & works_on_leaf) | is_secretariat
) & ~own_assessment
rules.add_perm("appraisal.view_notes", notes_readers)
rules.add_perm("appraisal.add_note", notes_readers & year_not_frozen)


# Notifications: each person reads their own.
rules.add_perm("appraisal.view_notification", is_recipient)
