"""Who sees which report: a role × object matrix over reports.rules."""

import pytest

from reports.enums import FileFormat, ReportKind
from reports.models import ReportFile
from scoring.enums import Phase
from scoring.workflow import UnitYear
from tests.factories import RoleKind, make_group, make_period, make_unit, make_user


@pytest.fixture
def world(db):
    group = make_group()
    own, other = make_unit(group, "OWN"), make_unit(group, "OTHER")
    published = make_period(2023, phase=Phase.PUBLISHED)
    current = make_period(2024, phase=Phase.ROUND1)
    return {"own": own, "other": other, "published": published, "current": current}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            None,
            {
                "published_pub": True,
                "published_cur": False,
                "criteria": False,
                "staff": False,
                "own": False,
                "plan": False,
                "run": False,
            },
        ),
        (
            RoleKind.AGENCY_STAFF,
            {
                "published_pub": True,
                "published_cur": False,
                "criteria": False,
                "staff": False,
                "own": True,
                "plan": True,
                "run": False,
            },
        ),
        (
            RoleKind.APPRAISER,
            {
                "published_pub": True,
                "published_cur": False,
                "criteria": True,
                "staff": False,
                "own": False,
                "plan": False,
                "run": False,
            },
        ),
        (
            RoleKind.SECRETARIAT,
            {
                "published_pub": True,
                "published_cur": True,
                "criteria": True,
                "staff": True,
                "own": True,
                "plan": True,
                "run": True,
            },
        ),
        (
            RoleKind.LEADERSHIP,
            {
                "published_pub": True,
                "published_cur": True,
                "criteria": True,
                "staff": True,
                "own": True,
                "plan": False,
                "run": False,
            },
        ),
    ],
)
def test_reports_rules_matrix(world, kind, expected):
    user = make_user(
        kind, unit=world["own"] if kind in (RoleKind.AGENCY_STAFF, RoleKind.APPRAISER) else None
    )
    got = {
        "published_pub": user.has_perm("reports.view_published_report", world["published"]),
        "published_cur": user.has_perm("reports.view_published_report", world["current"]),
        "criteria": user.has_perm("reports.view_criterion_analysis", world["current"]),
        "staff": user.has_perm("reports.view_province_reports", world["current"]),
        "own": user.has_perm("reports.view_scorecard", UnitYear(world["own"], world["published"])),
        "plan": user.has_perm(
            "reports.edit_improvement_plan", UnitYear(world["own"], world["published"])
        ),
        "run": user.has_perm("reports.run_index", world["current"]),
    }
    assert got == expected
    other = UnitYear(world["other"], world["published"])
    assert not user.has_perm("reports.view_scorecard", other) or kind in (
        RoleKind.SECRETARIAT,
        RoleKind.LEADERSHIP,
    )
    # Before publication a unit's scorecard (final figures) is the province's only (issue 11).
    current = UnitYear(world["own"], world["current"])
    assert user.has_perm("reports.view_scorecard", current) is (
        kind in (RoleKind.SECRETARIAT, RoleKind.LEADERSHIP)
    )


def test_report_file_public_only_when_published_report(world):
    public = ReportFile.objects.create(
        kind=ReportKind.PUBLISHED, file_format=FileFormat.PDF, period=world["published"]
    )
    draft = ReportFile.objects.create(
        kind=ReportKind.PUBLISHED, file_format=FileFormat.PDF, period=world["current"]
    )
    criteria = ReportFile.objects.create(
        kind=ReportKind.CRITERIA, file_format=FileFormat.PDF, period=world["published"]
    )
    anyone = make_user()
    appraiser = make_user(RoleKind.APPRAISER, unit=world["other"])
    assert anyone.has_perm("reports.view_report_file", public)
    assert not anyone.has_perm("reports.view_report_file", draft)
    assert not anyone.has_perm("reports.view_report_file", criteria)
    assert appraiser.has_perm("reports.view_report_file", criteria)
    assert not appraiser.has_perm("reports.view_report_file", draft)


def test_report_index_lists_own_scorecard(client, world):
    client.force_login(make_user(RoleKind.AGENCY_STAFF, unit=world["own"]))
    body = client.get("/bao-cao/").content.decode()
    assert "/bao-cao/2023/don-vi/OWN/" in body
    # 2024 is in round 1: its scorecard (final figures) is not the unit's yet (issue 11).
    assert "/bao-cao/2024/don-vi/OWN/" not in body
    assert "/bao-cao/2024/phan-tich-tieu-chi/" not in body
    assert "/bao-cao/2023/cong-bo/" in body
