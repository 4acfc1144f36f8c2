"""Permission rules of scoring: the only place that decides who may do what.

Views, API and templates all ask these (`user.has_perm("scoring.…", obj)`); a refusal is
answered as "not found" by the access helpers of scoring.selectors.
"""

import rules
from django.utils import timezone

from units.rules import (
    heads_unit,
    is_appraiser,
    is_province_staff,
    is_secretariat,
    works_in_unit,
)

from .enums import AssessmentStatus, Phase


@rules.predicate
def period_is_published(user, period) -> bool:
    return period is not None and period.phase == Phase.PUBLISHED


@rules.predicate
def own_assessment(user, assessment) -> bool:
    return assessment is not None and works_in_unit(user, assessment.unit)


@rules.predicate
def heads_assessment_unit(user, assessment) -> bool:
    return assessment is not None and heads_unit(user, assessment.unit)


@rules.predicate
def assessment_in_self_phase(user, assessment) -> bool:
    return assessment is not None and assessment.period.phase == Phase.SELF_ASSESSMENT


@rules.predicate
def assessment_is_draft(user, assessment) -> bool:
    return assessment is not None and assessment.status == AssessmentStatus.DRAFT


@rules.predicate
def assessment_is_submitted(user, assessment) -> bool:
    return assessment is not None and assessment.status == AssessmentStatus.SUBMITTED


# Results of a period: anyone once published; the province's staff before that.
rules.add_perm("scoring.view_results", period_is_published | is_province_staff)
rules.add_perm("scoring.compute_results", is_province_staff)
rules.add_perm("scoring.manage_period", is_secretariat)


@rules.predicate
def period_before_round1(user, period) -> bool:
    return period is not None and period.phase in (Phase.SETUP, Phase.SELF_ASSESSMENT)


# A year's units: its lineage (any year: a year published before lineage was recorded
# may get it later, audited) and its set-up (units and groups, before round 1).
rules.add_perm("scoring.manage_unit_changes", is_secretariat)
rules.add_perm("scoring.set_up_year", is_secretariat & period_before_round1)

# A unit's dossier.
rules.add_perm("scoring.view_assessment", own_assessment | is_province_staff | is_appraiser)
rules.add_perm(
    "scoring.edit_self_assessment",
    own_assessment & assessment_in_self_phase & assessment_is_draft,
)
rules.add_perm(
    "scoring.submit_assessment",
    heads_assessment_unit & assessment_in_self_phase & assessment_is_draft,
)
rules.add_perm(
    "scoring.withdraw_assessment",
    heads_assessment_unit & assessment_in_self_phase & assessment_is_submitted,
)


# --- the agency self-assessment workspace ---------------------------------------------------


@rules.predicate
def assessment_before_deadline(user, assessment) -> bool:
    """Server time before the self-assessment deadline (no deadline set: always before)."""
    if assessment is None:
        return False
    deadline = assessment.period.self_assessment_deadline
    return deadline is None or timezone.now() <= deadline


@rules.predicate
def assessment_submissions_open(user, assessment) -> bool:
    return assessment is not None and not assessment.period.self_assessment_closed


# The workspace is the unit's own: agency staff and head only (others get a 404).
rules.add_perm("scoring.view_own_assessment", own_assessment)
# What the pages offer; the services re-check and explain a refusal.
rules.add_perm(
    "scoring.submit_assessment_now",
    heads_assessment_unit
    & assessment_in_self_phase
    & assessment_is_draft
    & assessment_submissions_open,
)
rules.add_perm(
    "scoring.withdraw_assessment_now",
    heads_assessment_unit
    & assessment_in_self_phase
    & assessment_is_submitted
    & assessment_before_deadline
    & assessment_submissions_open,
)
