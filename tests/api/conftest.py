"""A small world for the API tests: two groups, own and other units, every role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from scoring.enums import Phase, Stage
from scoring.services import results_compute
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)


@pytest.fixture
def world(db):
    g1 = make_group("so-nganh", "Khối sở, ngành", order=1)
    g2 = make_group("huyen", "Khối huyện", order=2)
    own = make_unit(g1, "SNV", "Sở Nội vụ")
    other = make_unit(g2, "HUYEN-A", "UBND huyện A")
    home = make_unit(g1, "STP", "Sở Tư pháp")
    period = make_period(
        2024, phase=Phase.SELF_ASSESSMENT, groups=[g1, g2], unsubmitted_policy="appraise"
    )
    nodes = make_small_tree(period, [g1, g2])
    own_assessment = make_assessment(period, own)
    other_assessment = make_assessment(period, other)
    for assessment in (own_assessment, other_assessment):
        set_score(assessment, nodes["1.1"], "2", stage=Stage.SELF, inputs={"answer": True})
        set_score(assessment, nodes["1.1"], "2", stage=Stage.FINAL)
    results_compute(period=period, stage=Stage.FINAL)
    published = make_period(2023, phase=Phase.PUBLISHED, groups=[g1, g2])
    published_nodes = make_small_tree(published, [g1, g2])
    for unit in (own, other):
        set_score(make_assessment(published, unit), published_nodes["1.1"], "2")
    results_compute(period=published, stage=Stage.FINAL, force=True)
    users = {
        "agency_staff": make_user(RoleKind.AGENCY_STAFF, own),
        "agency_head": make_user(RoleKind.AGENCY_HEAD, own),
        "appraiser": make_user(RoleKind.APPRAISER, home, year=2024, expertise=["1", "2"]),
        "secretariat": make_user(RoleKind.SECRETARIAT),
        "council": make_user(RoleKind.COUNCIL),
        "leadership": make_user(RoleKind.LEADERSHIP),
        "anonymous": None,
    }
    return SimpleNamespace(
        g1=g1,
        g2=g2,
        own=own,
        other=other,
        home=home,
        period=period,
        nodes=nodes,
        own_assessment=own_assessment,
        other_assessment=other_assessment,
        published=published,
        users=users,
    )


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 at full strength costs ~0.3 s a user; tests need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_clamd(settings):
    """Uploads are not scanned here, whatever CLAMD_* the environment sets (see evidence)."""
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


@pytest.fixture
def roles(world):
    """Every role of the API matrices: the world's users, the staff of the other unit, and an
    appraiser assigned field 1 of the own unit (the world's appraiser is assigned nothing)."""
    from tests.factories import make_assignment

    assigned = make_user(RoleKind.APPRAISER, world.home, year=2024, expertise=["1", "2"])
    make_assignment(world.period, "1", world.own, assigned)
    return {
        "agency_staff": world.users["agency_staff"],
        "agency_head": world.users["agency_head"],
        "other_staff": make_user(RoleKind.AGENCY_STAFF, world.other),
        "appraiser_assigned": assigned,
        "appraiser_unassigned": world.users["appraiser"],
        "secretariat": world.users["secretariat"],
        "council": world.users["council"],
        "leadership": world.users["leadership"],
        "anonymous": None,
    }
