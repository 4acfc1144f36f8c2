"""Role × action × phase table of scoring.rules: a year's set-up, results, a unit's dossier.

The roles and their years come from units.rules (tests/units/test_rules.py); the cross-app
table of URLs is tests/access. Here each perm of scoring, for every phase of the one phase
table, for a draft and a submitted dossier.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from scoring import workflow
from scoring.enums import AssessmentStatus, Phase
from tests.factories import RoleKind, make_assessment, make_group, make_period, make_unit, make_user

ROLES = (
    "anonymous",
    "nobody",  # signed in, no role
    "staff",
    "head",
    "other_staff",
    "appraiser",  # of the year, from another unit, not assigned
    "appraiser_2023",
    "secretariat",
    "secretariat_2023",
    "council",
    "leadership",
)
PROVINCE_2025 = {"secretariat", "council", "leadership"}
OWN = {"staff", "head"}
EVERYONE = set(ROLES)
STARTED = {p for p in workflow.PHASES if workflow.PHASES[p].appraisal_started}


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def year(db):
    group = make_group()
    unit, other = make_unit(group, "OWN"), make_unit(group, "OTHER")
    period = make_period(2025, groups=[group])
    users = {
        "anonymous": AnonymousUser(),
        "nobody": make_user(),
        "staff": make_user(RoleKind.AGENCY_STAFF, unit),
        "head": make_user(RoleKind.AGENCY_HEAD, unit),
        "other_staff": make_user(RoleKind.AGENCY_STAFF, other),
        "appraiser": make_user(RoleKind.APPRAISER, other, year=2025),
        "appraiser_2023": make_user(RoleKind.APPRAISER, other, year=2023),
        "secretariat": make_user(RoleKind.SECRETARIAT, year=2025),
        "secretariat_2023": make_user(RoleKind.SECRETARIAT, year=2023),
        "council": make_user(RoleKind.COUNCIL, year=2025),
        "leadership": make_user(RoleKind.LEADERSHIP, year=2025),
    }
    return {"period": period, "assessment": make_assessment(period, unit), "users": users}


def _expected(perm: str, phase: str, status: str) -> set[str]:
    """Who holds `perm` in `phase` for a dossier in `status`, from the access model's table
    (scoring/rules.py's docstring), written out by hand."""
    draft = status == AssessmentStatus.DRAFT
    scoring_self = phase == Phase.SELF_ASSESSMENT
    return {
        "scoring.view_results": EVERYONE if phase == Phase.PUBLISHED else PROVINCE_2025,
        "scoring.manage_period": {"secretariat"},
        "scoring.set_up_year": {"secretariat"} if phase not in STARTED else set(),
        "scoring.view_assessment": OWN
        | PROVINCE_2025
        | ({"appraiser"} if not draft or phase in STARTED else set()),
        "scoring.view_own_assessment": OWN,
        "scoring.edit_self_assessment": OWN if scoring_self and draft else set(),
        "scoring.submit_assessment": {"head"} if scoring_self and draft else set(),
        "scoring.withdraw_assessment": {"head"} if scoring_self and not draft else set(),
    }[perm]


PERMS_OF_THE_YEAR = ("scoring.view_results", "scoring.manage_period", "scoring.set_up_year")
PERMS_OF_THE_DOSSIER = (
    "scoring.view_assessment",
    "scoring.view_own_assessment",
    "scoring.edit_self_assessment",
    "scoring.submit_assessment",
    "scoring.withdraw_assessment",
)


@pytest.mark.parametrize("status", [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED])
@pytest.mark.parametrize("phase", list(workflow.PHASES))
def test_scoring_perms_by_role_and_phase(year, phase, status):
    period, assessment = year["period"], year["assessment"]
    period.phase = phase
    period.save(update_fields=["phase"])
    assessment.status = status
    assessment.save(update_fields=["status"])
    assessment.period = period
    wrong = []
    for perm in PERMS_OF_THE_YEAR + PERMS_OF_THE_DOSSIER:
        obj = period if perm in PERMS_OF_THE_YEAR else assessment
        allowed = {role for role in ROLES if year["users"][role].has_perm(perm, obj)}
        if allowed != _expected(perm, phase, status):
            wrong.append((perm, sorted(allowed ^ _expected(perm, phase, status))))
    assert not wrong


def test_self_assessment_writes_stop_at_the_deadline_and_the_close(year):
    from datetime import timedelta

    from django.utils import timezone

    period, assessment = year["period"], year["assessment"]
    staff, head = year["users"]["staff"], year["users"]["head"]
    assert staff.has_perm("scoring.edit_self_assessment", assessment)
    period.self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    period.save(update_fields=["self_assessment_deadline"])
    assessment.period = period
    assert not staff.has_perm("scoring.edit_self_assessment", assessment)
    # A late dossier is still taken (recorded late); withdrawing it is not possible.
    assert head.has_perm("scoring.submit_assessment", assessment)
    assert head.has_perm("scoring.submit_assessment_now", assessment)
    period.self_assessment_deadline = None
    period.self_assessment_closed = True
    period.save(update_fields=["self_assessment_deadline", "self_assessment_closed"])
    assessment.period = period
    assert not staff.has_perm("scoring.edit_self_assessment", assessment)
    assert not head.has_perm("scoring.submit_assessment_now", assessment)
