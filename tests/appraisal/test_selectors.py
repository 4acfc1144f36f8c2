"""The appraisal's lists filtered by actor (appraisal.selectors, appraisal.notifications):
each appraiser's queue and cross-checks, each person's notifications; query counts that do
not grow with the rows (1 and 3 items). The pages and API over them: test_views.py,
tests/api/test_api_appraisal.py; who may open each row: tests/access."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal import selectors
from appraisal.models import CrossCheck, Notification
from appraisal.notifications import notification_list
from scoring.enums import AssessmentStatus, Stage
from tests.factories import RoleKind, make_assessment, make_assignment, make_unit, make_user


def _queue(actor, period) -> list[tuple[str, str]]:
    return sorted(
        (row.assignment.unit.code, row.assignment.field.code)
        for row in selectors.queue_rows(actor=actor, period=period)
    )


def test_queue_holds_only_the_actors_assignments(cycle):
    assert _queue(cycle.home, cycle.period) == [("SOTC", "1"), ("SOTP", "1")]
    assert _queue(cycle.away, cycle.period) == [("SOTP", "2")]
    assert _queue(cycle.secretariat, cycle.period) == []
    rows = {
        r.assignment.unit.code: r
        for r in selectors.queue_rows(actor=cycle.home, period=cycle.period)
    }
    assert rows["SOTP"].leaves == 2 and rows["SOTP"].open_to_appraiser


def test_queue_query_count_same_for_1_and_3_items(cycle, django_assert_num_queries):
    member = make_user(RoleKind.APPRAISER, cycle.other, year=cycle.period.year, expertise=["2"])
    for position, code in enumerate(("Q1", "Q2", "Q3")):
        unit = make_unit(cycle.group, code)
        make_assessment(cycle.period, unit, status=AssessmentStatus.SUBMITTED)
        make_assignment(cycle.period, "2", unit, member)
        if position == 0:
            # A fresh user each time: the roles are cached on the user once read.
            fresh = type(member).objects.get(pk=member.pk)
            with CaptureQueriesContext(connection) as one:
                assert len(selectors.queue_rows(actor=fresh, period=cycle.period)) == 1
    fresh = type(member).objects.get(pk=member.pk)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(selectors.queue_rows(actor=fresh, period=cycle.period)) == 3


def _check(cycle, criterion, checker, **kw) -> CrossCheck:
    return CrossCheck.objects.create(
        assessment=cycle.assessment,
        criterion=criterion,
        stage=Stage.ROUND1,
        requested_at=timezone.now(),
        checker=checker,
        **kw,
    )


def test_cross_checks_open_only_the_actors_and_undecided(cycle):
    mine = _check(cycle, cycle.nodes["1.1"], cycle.away)
    _check(cycle, cycle.nodes["1.2"], cycle.away, decided_at=timezone.now(), decision="confirmed")
    _check(cycle, cycle.nodes["2.1"], cycle.home)
    assert selectors.cross_checks_open(actor=cycle.away, period=cycle.period) == [mine]
    assert selectors.cross_checks_open(actor=cycle.secretariat, period=cycle.period) == []


def test_cross_checks_open_query_count_same_for_1_and_3(cycle, django_assert_num_queries):
    for position, code in enumerate(("1.1", "1.2", "2.1")):
        _check(cycle, cycle.nodes[code], cycle.away)
        if position == 0:
            with CaptureQueriesContext(connection) as one:
                checks = selectors.cross_checks_open(actor=cycle.away, period=cycle.period)
                assert [c.assessment.unit.code for c in checks] == ["SOTP"]
    with django_assert_num_queries(len(one.captured_queries)):
        checks = selectors.cross_checks_open(actor=cycle.away, period=cycle.period)
        assert sorted(c.criterion.code for c in checks) == ["1.1", "1.2", "2.1"]


def _note(user, n: int) -> Notification:
    return Notification.objects.create(
        recipient=user, kind="phase", key=f"k{n}", title=f"Tiêu đề {n}", text="Nội dung"
    )


def test_notifications_only_the_actors_own_newest_first(cycle, django_assert_num_queries):
    first = _note(cycle.staff, 1)
    _note(cycle.head, 2)
    with CaptureQueriesContext(connection) as one:
        assert [n.title for n in notification_list(actor=cycle.staff)] == ["Tiêu đề 1"]
    second, third = _note(cycle.staff, 3), _note(cycle.staff, 4)
    with django_assert_num_queries(len(one.captured_queries)):
        assert list(notification_list(actor=cycle.staff)) == [third, second, first]
    assert list(notification_list(actor=cycle.secretariat)) == []
