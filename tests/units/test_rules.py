"""The role predicates every app's rules are built from (units.rules), and units' perms.

A role counts for its year only; a role with no year, for every year; asked about no year
(a menu), any role counts. The cross-app matrix of who may use which URL in which phase is
tests/access (expectations.py, test_matrix.py); here the predicates and perms themselves.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from appraisal.models import CrossCheck
from scoring.enums import Phase, Stage
from scoring.workflow import Item, UnitYear
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_unit,
    make_user,
)
from units.rules import (
    heads_unit,
    home_unit_ids,
    is_appraiser,
    is_council,
    is_leadership,
    is_secretariat,
    unit_ids_of,
    works_in_unit,
    year_of,
)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- roles by year (moved from tests/access/test_access_model.py) --------------------------


@pytest.fixture
def years(db):
    group = make_group("so")
    unit = make_unit(group, "A01")
    old, new = make_period(2023, Phase.PUBLISHED, [group]), make_period(2025, Phase.ROUND1, [group])
    return {
        "unit": unit,
        2023: old,
        2025: new,
        "assessment": make_assessment(new, unit),
        "assessment_2023": make_assessment(old, unit),
    }


PREDICATES = {
    RoleKind.SECRETARIAT: is_secretariat,
    RoleKind.COUNCIL: is_council,
    RoleKind.LEADERSHIP: is_leadership,
    RoleKind.APPRAISER: is_appraiser,
}


@pytest.mark.parametrize("kind", list(PREDICATES))
@pytest.mark.parametrize(
    ("role_year", "counts_2023", "counts_2025"),
    [
        (2023, True, False),
        (2025, False, True),
        (None, True, True),  # a role with no year counts for every year
    ],
)
def test_period_roles_count_for_their_year_only(years, kind, role_year, counts_2023, counts_2025):
    unit = years["unit"] if kind == RoleKind.APPRAISER else None
    user = make_user(kind, unit, year=role_year)
    predicate = PREDICATES[kind]
    for obj in (years[2025], years["assessment"], Item(years["assessment"], None, Stage.SELF)):
        assert predicate(user, obj) is counts_2025, obj
    assert predicate(user, years[2023]) is counts_2023
    assert predicate(user, years["assessment_2023"]) is counts_2023
    assert predicate(user, 2025) is counts_2025  # a year not created yet: its number
    assert predicate(user) is True  # asked about no year (a menu): any year counts


def test_year_of_every_kind_of_object(years):
    assessment = years["assessment"]
    check = CrossCheck(assessment=assessment, stage=Stage.ROUND1, requested_at=timezone.now())
    assert year_of(years[2025]) == 2025
    assert year_of(assessment) == 2025
    assert year_of(Item(assessment, None, Stage.FINAL)) == 2025
    assert year_of(check) == 2025
    assert year_of(UnitYear(years["unit"], years[2023])) == 2023
    assert year_of(2024) == 2024
    assert year_of(years["unit"]) is None and year_of(None) is None


def test_agency_roles_with_a_year_count_for_that_year(years):
    staff_2023 = make_user(RoleKind.AGENCY_STAFF, years["unit"], year=2023)
    assert staff_2023.has_perm("scoring.view_own_assessment", years["assessment_2023"])
    assert not staff_2023.has_perm("scoring.view_own_assessment", years["assessment"])


def test_admin_says_a_role_without_year_counts_for_every_year(db):
    from units.admin import RoleAdmin
    from units.models import Role

    user = make_user(RoleKind.SECRETARIAT)
    role = Role.objects.get(user=user)
    assert str(RoleAdmin(Role, None).year_display(role)) == "mọi năm"
    assert "mọi năm" in str(Role._meta.get_field("year").help_text)


# --- the unit's own people, by year ----------------------------------------------------------


def test_unit_roles_by_year_and_kind(years):
    unit, other = years["unit"], make_unit(years["unit"].group, "B01")
    staff = make_user(RoleKind.AGENCY_STAFF, unit)  # no year: every year
    head_2025 = make_user(RoleKind.AGENCY_HEAD, unit, year=2025)
    appraiser = make_user(RoleKind.APPRAISER, other, year=2025)
    own_2025, own_2023 = years["assessment"], years["assessment_2023"]
    assert works_in_unit(staff, own_2025) and works_in_unit(staff, own_2023)
    assert not heads_unit(staff, own_2025)
    assert works_in_unit(head_2025, own_2025) and heads_unit(head_2025, own_2025)
    assert not works_in_unit(head_2025, own_2023) and not heads_unit(head_2025, own_2023)
    assert unit_ids_of(head_2025, year=2025) == {unit.pk}
    assert unit_ids_of(head_2025, RoleKind.AGENCY_STAFF, year=2025) == set()
    assert unit_ids_of(head_2025, year=2023) == set()
    # An appraiser's home unit is not a unit they work in as agency staff.
    assert home_unit_ids(appraiser, 2025) == {other.pk} and home_unit_ids(appraiser, 2023) == set()
    assert not works_in_unit(appraiser, UnitYear(other, years[2025]))


# --- units' perms: role × action ---------------------------------------------------------------

UNIT_ACTIONS = ("units.view_unit",)


@pytest.mark.parametrize(
    ("kind", "own_unit", "role_year", "expected"),
    [
        (None, False, None, (False,)),  # signed in, no role
        (RoleKind.AGENCY_STAFF, True, None, (True,)),
        (RoleKind.AGENCY_HEAD, True, None, (True,)),
        (RoleKind.AGENCY_STAFF, False, None, (False,)),  # another unit's staff
        (RoleKind.APPRAISER, False, 2025, (True,)),
        (RoleKind.APPRAISER, False, 2023, (True,)),  # units are not confidential
        (RoleKind.SECRETARIAT, False, None, (True,)),
        (RoleKind.SECRETARIAT, False, 2025, (True,)),
        (RoleKind.COUNCIL, False, 2025, (True,)),
        (RoleKind.LEADERSHIP, False, 2025, (True,)),
    ],
)
def test_unit_perms_by_role(years, kind, own_unit, role_year, expected):
    unit = years["unit"]
    role_unit = unit if own_unit else make_unit(unit.group, "C01") if kind else None
    user = make_user(kind, role_unit, year=role_year) if kind else make_user()
    assert tuple(user.has_perm(perm, unit) for perm in UNIT_ACTIONS) == expected
