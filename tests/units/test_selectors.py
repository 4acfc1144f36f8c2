"""The units a person may see (units.selectors.unit_list), by role; a query count that does
not grow with the rows (1 and 3 units). The API over it: tests/api."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import RoleKind, make_group, make_unit, make_user
from units.selectors import unit_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _codes(actor) -> list[str]:
    return sorted(u.code for u in unit_list(actor=actor))


def test_units_each_role_sees(db):
    group = make_group()
    own, other = make_unit(group, "OWN"), make_unit(group, "OTHER")
    assert _codes(make_user(RoleKind.AGENCY_STAFF, own)) == ["OWN"]
    assert _codes(make_user(RoleKind.AGENCY_HEAD, other, year=2025)) == ["OTHER"]
    assert _codes(make_user(RoleKind.APPRAISER, own, year=2023)) == ["OTHER", "OWN"]
    assert _codes(make_user(RoleKind.SECRETARIAT, year=2025)) == ["OTHER", "OWN"]
    assert _codes(make_user()) == []


def test_units_query_count_same_for_1_and_3(db, django_assert_num_queries):
    group = make_group()
    secretariat = make_user(RoleKind.SECRETARIAT)
    parent = make_unit(group, "P")

    def read():
        fresh = type(secretariat).objects.get(pk=secretariat.pk)  # roles not read yet
        return [(u.code, u.group.code, u.parent and u.parent.code) for u in unit_list(actor=fresh)]

    with CaptureQueriesContext(connection) as one:
        assert len(read()) == 1
    make_unit(group, "U1", parent=parent)
    make_unit(group, "U2", parent=parent)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(read()) == 3
