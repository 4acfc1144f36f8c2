"""The lists of scoring filtered by actor: dossiers and results (scoring.selectors).

Each list is what its perm allows object by object (tests/access/test_access_model.py checks
that lists and object rules agree in every phase); here who gets which rows, and a query
count that does not grow with the rows (1 and 3 items).
"""

from __future__ import annotations

import pytest

from scoring.enums import AssessmentStatus, Phase
from scoring.selectors import assessment_list, result_list
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_result,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province(db):
    group = make_group("so")
    own, other = make_unit(group, "OWN"), make_unit(group, "OTHER")
    published = make_period(2023, Phase.PUBLISHED, [group])
    current = make_period(2025, Phase.SELF_ASSESSMENT, [group])
    rows = {}
    for period in (published, current):
        for unit in (own, other):
            rows[(period.year, unit.code)] = make_assessment(
                period,
                unit,
                status=AssessmentStatus.SUBMITTED if unit is own else AssessmentStatus.DRAFT,
            )
            make_result(period, unit, 90)
    return {"group": group, "own": own, "other": other, 2023: published, 2025: current}


def _dossiers(actor) -> set[tuple[int, str]]:
    return {(a.period.year, a.unit.code) for a in assessment_list(actor=actor)}


def _results(actor) -> set[tuple[int, str]]:
    return {(r.period.year, r.unit.code) for r in result_list(actor=actor)}


def test_dossiers_each_role_sees_what_its_perm_allows(province):
    own = province["own"]
    assert _dossiers(make_user(RoleKind.AGENCY_STAFF, own)) == {(2023, "OWN"), (2025, "OWN")}
    assert _dossiers(make_user(RoleKind.AGENCY_HEAD, own, year=2025)) == {(2025, "OWN")}
    assert _dossiers(make_user(RoleKind.SECRETARIAT, year=2025)) == {
        (2025, "OWN"),
        (2025, "OTHER"),
    }
    assert len(_dossiers(make_user(RoleKind.LEADERSHIP))) == 4  # a role with no year
    # An appraiser of 2025: the submitted dossier before round 1, every one from round 1.
    appraiser = make_user(RoleKind.APPRAISER, province["other"], year=2025)
    assert _dossiers(appraiser) == {(2025, "OWN")}
    province[2025].phase = Phase.ROUND1
    province[2025].save(update_fields=["phase"])
    assert _dossiers(appraiser) == {(2025, "OWN"), (2025, "OTHER")}
    assert _dossiers(make_user(RoleKind.APPRAISER, own, year=2024)) == set()
    assert _dossiers(make_user()) == set()


def test_results_public_years_for_everyone_the_others_for_the_years_staff(province):
    public = {(2023, "OWN"), (2023, "OTHER")}
    assert _results(make_user()) == public
    assert _results(make_user(RoleKind.AGENCY_HEAD, province["own"])) == public
    assert _results(make_user(RoleKind.APPRAISER, province["own"], year=2025)) == public
    assert _results(make_user(RoleKind.COUNCIL, year=2025)) == public | {
        (2025, "OWN"),
        (2025, "OTHER"),
    }
    assert _results(make_user(RoleKind.COUNCIL, year=2024)) == public


def _fresh(user):
    """The user as a new request has it (roles not read yet)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("read", [_dossiers, _results])
def test_lists_query_count_same_for_1_and_3_rows(province, read, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    group = province["group"]
    period = make_period(2026, Phase.ROUND1, [group])
    actor = make_user(RoleKind.SECRETARIAT, year=2026)
    for code in ("U1", "U2", "U3"):
        unit = make_unit(group, code)
        make_assessment(period, unit)
        make_result(period, unit, 80)
        if code == "U1":
            with CaptureQueriesContext(connection) as one:
                assert sum(year == 2026 for year, _code in read(_fresh(actor))) == 1
    with django_assert_num_queries(len(one.captured_queries)):
        assert sum(year == 2026 for year, _code in read(_fresh(actor))) == 3
