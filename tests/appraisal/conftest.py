"""A small year ready for appraisal: two units, two appraisers from those units, the roles."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from scoring.enums import AssessmentStatus, Phase, Stage
from tests.factories import (
    RoleKind,
    make_assessment,
    make_assignment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_cycle(phase: str = Phase.ROUND1):
    group = make_group()
    now = timezone.now()
    period = make_period(
        phase=phase,
        groups=[group],
        supplement_start=now - timedelta(days=1),
        supplement_end=now + timedelta(days=2),
    )
    nodes = make_small_tree(period, [group])
    unit = make_unit(group, code="SOTP", name="Sở Tư pháp")
    other = make_unit(group, code="SOTC", name="Sở Tài chính")
    assessment = make_assessment(period, unit, status=AssessmentStatus.SUBMITTED)
    other_assessment = make_assessment(period, other, status=AssessmentStatus.SUBMITTED)
    for a in (assessment, other_assessment):
        set_score(a, nodes["1.1"], "2", stage=Stage.SELF, inputs={"answer": True})
        set_score(a, nodes["2.1"], "1", stage=Stage.SELF, inputs={"value": "1"})
    # Appraiser "home" works at the unit being appraised; "away" at the other unit.
    home = make_user(
        RoleKind.APPRAISER, unit, year=period.year, username="tham_dinh_nha", expertise=["1", "2"]
    )
    away = make_user(
        RoleKind.APPRAISER, other, year=period.year, username="tham_dinh_khac", expertise=["1", "2"]
    )
    for u in (home, away):
        u.email = f"{u.username}@example.gov.vn"
        u.save(update_fields=["email"])
    staff = make_user(RoleKind.AGENCY_STAFF, unit, username="chuyen_vien")
    staff.email = "chuyen_vien@example.gov.vn"
    staff.save(update_fields=["email"])
    return SimpleNamespace(
        group=group,
        period=period,
        nodes=nodes,
        unit=unit,
        other=other,
        assessment=assessment,
        other_assessment=other_assessment,
        home=home,
        away=away,
        staff=staff,
        head=make_user(RoleKind.AGENCY_HEAD, unit),
        other_staff=make_user(RoleKind.AGENCY_STAFF, other),
        secretariat=make_user(RoleKind.SECRETARIAT, username="thu_ky"),
        council=make_user(RoleKind.COUNCIL, username="hoi_dong"),
        public=make_user(),
        field1_home=make_assignment(period, "1", unit, home),
        field2_home=make_assignment(period, "2", unit, away),
        field1_other=make_assignment(period, "1", other, home),
    )


@pytest.fixture
def cycle(db):
    return build_cycle()
