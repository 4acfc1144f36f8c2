"""Who may do what in the appraisal: the only place that decides it (django-rules).

Phase-dependent answers come from scoring.workflow; a refusal of something that is not
the user's is answered with a 404 by appraisal.selectors' access helpers.
"""

import rules
from django.utils import timezone

from scoring import workflow
from scoring.enums import Stage
from scoring.models import LeafScore
from scoring.rules import own_assessment
from units.rules import home_unit_ids, is_appraiser, is_council, is_province_staff, is_secretariat

from .models import Assignment


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
    return item is not None and (
        workflow.rules_of(item.assessment.period.phase).appraiser_scores == item.stage
    )


@rules.predicate
def is_checker(user, cross_check) -> bool:
    return cross_check is not None and cross_check.checker_id == user.pk


@rules.predicate
def not_own_home_unit(user, cross_check) -> bool:
    return cross_check is not None and not is_home_unit(user, cross_check.assessment)


@rules.predicate
def cross_check_stage_open(user, cross_check) -> bool:
    return cross_check is not None and (
        workflow.rules_of(cross_check.assessment.period.phase).appraiser_scores == cross_check.stage
    )


@rules.predicate
def period_not_frozen(user, period) -> bool:
    return period is not None and not workflow.rules_of(period.phase).frozen


@rules.predicate
def period_council_phase(user, period) -> bool:
    return period is not None and workflow.rules_of(period.phase).council_approves


@rules.predicate
def agency_sees_round1(user, assessment) -> bool:
    return (
        assessment is not None
        and Stage.ROUND1 in workflow.rules_of(assessment.period.phase).agency_sees
    )


@rules.predicate
def agency_sees_final(user, assessment) -> bool:
    return (
        assessment is not None
        and Stage.FINAL in workflow.rules_of(assessment.period.phase).agency_sees
    )


@rules.predicate
def supplement_window_open(user, assessment) -> bool:
    if assessment is None:
        return False
    period = assessment.period
    return workflow.rules_of(
        period.phase
    ).agency_evidence == workflow.EVIDENCE_FLAGGED and workflow.window_open(period, timezone.now())


@rules.predicate
def own_item(user, item) -> bool:
    return item is not None and own_assessment(user, item.assessment)


@rules.predicate
def item_window_open(user, item) -> bool:
    return item is not None and supplement_window_open(user, item.assessment)


@rules.predicate
def item_flagged(user, item) -> bool:
    return (
        item is not None
        and LeafScore.objects.filter(
            assessment_id=item.assessment.pk,
            criterion_id=item.criterion.pk,
            stage=Stage.ROUND1,
            supplement_requested=True,
        ).exists()
    )


# The secretariat runs the cycle (phases, team, assignments, decision).
rules.add_perm("appraisal.manage_cycle", is_secretariat)
rules.add_perm("appraisal.change_cycle", is_secretariat & period_not_frozen)
rules.add_perm("appraisal.view_cycle", is_province_staff)
# Appraisers: their queue; a leaf only when assigned to it and its stage is open.
rules.add_perm("appraisal.view_queue", is_appraiser)
rules.add_perm("appraisal.view_item", assigned_to_item | is_province_staff)
rules.add_perm("appraisal.score_item", assigned_to_item & stage_open_to_appraisers)
# Cross-check: the assigned checker, never on their own home unit, while the stage is open.
rules.add_perm(
    "appraisal.decide_cross_check", is_checker & not_own_home_unit & cross_check_stage_open
)
# Council members approve during the council phase.
rules.add_perm("appraisal.approve", is_council & period_council_phase)
# The agency: its round-1 results once round 1 is closed; the full scorecard once published.
rules.add_perm("appraisal.view_round1_results", own_assessment & agency_sees_round1)
rules.add_perm("appraisal.view_final_results", own_assessment & agency_sees_final)
# Supplement: the unit's own people, in the window, on flagged leaves only.
rules.add_perm("appraisal.supplement_open", own_assessment & supplement_window_open)
rules.add_perm("appraisal.supplement_item", own_item & item_window_open & item_flagged)


@rules.predicate
def may_supplement_evidence(user, assessment) -> bool:
    """For evidence.upload_file: the dossier is in its supplement window (the leaf itself is
    checked on the link, see appraisal.signals)."""
    return assessment is not None and user.has_perm("appraisal.supplement_open", assessment)
