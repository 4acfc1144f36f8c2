"""The submission tracker on the cycle page (issue 13, item 1): status per unit, counts at
the top, filter, search, sort, CSV, one reminder to every unit not yet submitted; a query
count flat in the number of units."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal import extensions, tracker
from appraisal.enums import NotificationKind
from appraisal.models import Notification
from scoring import calendar
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage
from scoring.models import AuditEntry, DeadlineExtension, Period
from scoring.services import audit_record
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

pytestmark = pytest.mark.django_db


def build_year(n_units: int):
    """A year in self-assessment, deadline in 5 working days, `n_units` units: every third
    submitted on time, every third late, the rest drafts (one withdrawn, one extended)."""
    group = make_group("so", "Khối sở")
    deadline = calendar.day_end(calendar.add_working_days(timezone.localdate(), 5))
    period = make_period(
        2024, Phase.SELF_ASSESSMENT, groups=[group], self_assessment_deadline=deadline
    )
    nodes = make_small_tree(period, [group])
    secretariat = make_user(RoleKind.SECRETARIAT, year=2024, username="thu_ky")
    people, assessments = {}, []
    for n in range(n_units):
        unit = make_unit(group, f"U{n:03d}", f"Sở số {n}")
        status = (AssessmentStatus.SUBMITTED, AssessmentStatus.SUBMITTED, AssessmentStatus.DRAFT)[
            n % 3
        ]
        assessment = make_assessment(
            period,
            unit,
            status=status,
            is_late=n % 3 == 1,
            submitted_at=timezone.now() - timedelta(hours=n) if status == "submitted" else None,
            submitted_by=secretariat if status == "submitted" else None,
        )
        set_score(assessment, nodes["1.1"], "2", stage=Stage.SELF, inputs={"answer": True})
        people[unit.code] = make_user(RoleKind.AGENCY_STAFF, unit)
        assessments.append(assessment)
    drafts = [a for a in assessments if a.status == AssessmentStatus.DRAFT]
    audit_record(
        period=period,
        actor=secretariat,
        action=AuditAction.WITHDRAW,
        assessment=drafts[0],
        stage=Stage.SELF,
    )
    extensions.extension_grant(
        actor=secretariat,
        assessment=drafts[-1],
        deadline="self_assessment_deadline",
        until=calendar.add_working_days(timezone.localdate(), 9),
        reason="Sáp nhập đơn vị",
    )
    return period, secretariat, assessments, people


def test_statuses_counts_and_extensions():
    period, _secretariat, assessments, _people = build_year(6)
    board = tracker.tracker(period=period)
    by_code = {row.unit.code: row for row in board.rows}
    assert [by_code[a.unit.code].status for a in assessments] == [
        "submitted",
        "late",
        "withdrawn",
        "submitted",
        "late",
        "drafting",
    ]
    assert board.summary == "2/6 đã nộp, 2 nộp muộn, 2 chưa nộp"
    extended = by_code["U005"]
    assert extended.extension.reason == "Sáp nhập đơn vị"
    assert extended.deadline == extended.extension.until > period.self_assessment_deadline
    assert by_code["U000"].submitted_by  # who submitted
    assert by_code["U002"].unscored == 5  # of 6 scored leaves, one scored


def test_missing_once_the_deadline_passed_or_closed():
    period, _s, assessments, _p = build_year(3)
    Period.objects.filter(pk=period.pk).update(
        self_assessment_deadline=timezone.now() - timedelta(hours=1)
    )
    period.refresh_from_db()
    # U002 (withdrawn) has an extension: still in time after the year's deadline.
    assert tracker.tracker(period=period).rows[2].status == "withdrawn"
    DeadlineExtension.objects.all().delete()
    assert tracker.tracker(period=period).rows[2].status == "missing"
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND1)
    period.refresh_from_db()
    board = tracker.tracker(period=period)
    assert board.summary == "1/3 đã nộp, 1 nộp muộn, 1 chưa nộp"


def test_filter_search_and_sort():
    period, _s, _a, _p = build_year(9)
    late = tracker.tracker(period=period, status="late")
    assert [r.unit.code for r in late.rows] == ["U001", "U004", "U007"]
    assert late.counts["late"] == 3 and late.total == 9  # counts are over every unit
    found = tracker.tracker(period=period, query="so so 4")  # no tone marks, any case
    assert [r.unit.code for r in found.rows] == ["U004"]
    assert [r.unit.code for r in tracker.tracker(period=period, query="u00").rows][:2] == [
        "U000",
        "U001",
    ]
    by_status = tracker.tracker(period=period, sort="status")
    assert by_status.rows[0].status in ("withdrawn", "drafting", "missing")
    by_time = tracker.tracker(period=period, sort="submitted_at")
    stamps = [r.assessment.submitted_at for r in by_time.rows if r.assessment.submitted_at]
    assert stamps == sorted(stamps)
    assert tracker.tracker(period=period, status="bogus", sort="bogus").status == ""


def test_csv_export_follows_the_filter_and_is_formula_safe(client):
    period, secretariat, assessments, _p = build_year(3)
    unit = assessments[2].unit
    unit.name = '=HYPERLINK("http://x","y")'
    unit.save(update_fields=["name"])
    client.force_login(secretariat)
    response = client.get("/tham-dinh/2024/theo-doi-nop.csv?trang_thai=withdrawn")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0] == tracker.CSV_HEADER
    assert len(rows) == 2 and rows[1][0] == "U002"
    assert rows[1][1].startswith("'=")  # text is never a formula
    assert rows[1][3] == "Đã rút"


def test_one_action_reminds_every_unit_not_submitted(client):
    period, secretariat, assessments, people = build_year(6)
    client.force_login(secretariat)
    response = client.post("/tham-dinh/2024/nhac-nop/", follow=True)
    assert "Đã gửi nhắc nộp hồ sơ đến 2 đơn vị chưa nộp" in response.content.decode()
    told = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert {n.recipient for n in told} == {people["U002"], people["U005"]}
    extended = told.get(recipient=people["U005"])
    assert "còn 9 ngày làm việc" in extended.text  # its own deadline
    assert AuditEntry.objects.filter(action=AuditAction.REMINDER).count() == 1
    board = tracker.tracker(period=period)
    assert {r.unit.code for r in board.rows if r.last_reminder} == {"U002", "U005"}
    # Once self-assessment is over there is nothing to remind of.
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND1)
    period.refresh_from_db()
    with pytest.raises(ValidationError):
        tracker.units_remind(actor=secretariat, period=period)


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


@pytest.mark.parametrize("page", [False, True])
def test_query_count_is_flat_in_the_number_of_units(client, page, django_assert_num_queries):
    """The tracker (and the whole cycle page) at 3 and at 30 units: the same queries."""
    period, secretariat, _a, _p = build_year(3)
    client.force_login(secretariat)

    def run():
        if page:
            assert client.get("/tham-dinh/2024/").status_code == 200
        else:
            tracker.tracker(period=period)

    run()  # warm caches (sessions, content types)
    three = _queries(run)
    for n in range(3, 30):
        group = period.groups.first().group
        make_assessment(period, make_unit(group, f"V{n:03d}"))
    with django_assert_num_queries(three):
        run()


def test_cycle_page_shows_the_tracker(client):
    period, secretariat, _a, _p = build_year(3)
    client.force_login(secretariat)
    page = client.get("/tham-dinh/2024/").content.decode()
    assert 'id="tracker-summary">1/3 đã nộp, 1 nộp muộn, 1 chưa nộp<' in page
    assert 'data-unit="U002" data-status="withdrawn"' in page
    assert 'id="remind"' in page and 'id="extension-form"' in page
