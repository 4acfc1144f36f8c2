"""The secretariat's and the appraisers' list pages at 2 and at 14 units: the same queries
(no query per row). The tracker's own: test_tracker.py; the queue's at 10 and 200 items:
test_desk.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Period
from scoring.services import results_compute
from tests.appraisal.test_tracker import build_year
from tests.factories import RoleKind, make_assessment, make_assignment, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "phase, url, reader",
    [
        (Phase.COUNCIL, "/tham-dinh/2024/hoi-dong/", "secretariat"),
        (Phase.ROUND1, "/tham-dinh/2024/phan-cong/", "secretariat"),
        (Phase.ROUND1, "/tham-dinh/2024/tien-do/", "secretariat"),
        (Phase.ROUND1, "/tham-dinh/2024/hang-doi/", "member"),
    ],
    ids=["council", "assignments", "progress", "queue"],
)
def test_list_pages_query_count_does_not_grow_with_units(
    client, django_assert_num_queries, phase, url, reader
):
    period, secretariat, _a, _p = build_year(3)
    Period.objects.filter(pk=period.pk).update(phase=phase)
    group = period.groups.first().group
    member = make_user(RoleKind.APPRAISER, make_unit(group, "HOME"), year=2024, expertise=["1"])

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            unit = make_unit(group, f"V{n:03d}", f"Đơn vị số {n}")
            make_assessment(period, unit, status=AssessmentStatus.SUBMITTED)
            make_assignment(period, "1", unit, member)
        if phase == Phase.COUNCIL:  # what the council approves: the final results
            results_compute(period=Period.objects.get(pk=period.pk), stage=Stage.FINAL)

    add(2, 0)
    client.force_login(member if reader == "member" else secretariat)
    assert client.get(url).status_code == 200  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(12, 100)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Đơn vị số 111" in response.content.decode()  # the added units are on the page
