import pytest

from scoring.enums import Phase
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)


@pytest.fixture
def dossier(db):
    """A period in self-assessment, two units of one group, their draft dossiers and users."""
    group = make_group()
    period = make_period(year=2024, phase=Phase.SELF_ASSESSMENT, groups=[group])
    tree = make_small_tree(period, [group])
    unit, other_unit = make_unit(group), make_unit(group)

    class D:
        pass

    d = D()
    d.group, d.period, d.tree = group, period, tree
    d.unit, d.other_unit = unit, other_unit
    d.assessment = make_assessment(period, unit)
    d.other_assessment = make_assessment(period, other_unit)
    d.staff = make_user(RoleKind.AGENCY_STAFF, unit)
    d.head = make_user(RoleKind.AGENCY_HEAD, unit)
    d.other_staff = make_user(RoleKind.AGENCY_STAFF, other_unit)
    d.secretariat = make_user(RoleKind.SECRETARIAT)
    d.leaf = tree["1.1"]
    d.leaf2 = tree["1.2"]
    return d


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are made with passwords; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_clamd_by_default(settings):
    """Tests opt in to scanning (test_clamav.py), whatever CLAMD_* the environment sets."""
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
