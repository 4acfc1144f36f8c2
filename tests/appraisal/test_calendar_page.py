"""The year's dates and the province's days, edited by the secretariat without the admin:
moved to working days (and said why), checked in order, all or nothing, audited."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from appraisal import schedule
from scoring.enums import AuditAction, DayKind, Phase
from scoring.models import AuditEntry, CalendarDay, Period
from tests.factories import RoleKind, make_group, make_period, make_unit, make_user

# The 2019 cycle of the seed report, as typed (15/12/2019 was a Sunday).
SEED_2019 = {
    "criteria_issued": "26/09/2019",
    "self_assessment_opens": "23/11/2019",
    "self_assessment_deadline": "15/12/2019",
    "round1_start": "18/12/2019",
    "round1_end": "25/12/2019",
    "cross_check_date": "25/12/2019",
    "round1_meeting": "26/12/2019",
    "supplement_start": "27/12/2019",
    "supplement_end": "30/12/2019",
    "round2_start": "31/12/2019",
    "round2_end": "05/01/2020",
    "working_group_meeting": "06/01/2020",
    "council_date": "16/01/2020",
    "decision_date": "21/01/2020",
}


def parse(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


@pytest.fixture
def year2019(db):
    period = make_period(2019, Phase.SELF_ASSESSMENT)
    return period


@pytest.fixture
def secretariat(db):
    return make_user(RoleKind.SECRETARIAT, username="thu_ky")


def entered(**changes) -> dict:
    values = {name: parse(text) for name, text in SEED_2019.items()}
    values.update(changes)
    return values


def local(value) -> str:
    return timezone.localtime(value).strftime("%H:%M:%S %d/%m/%Y")


# --- the service ---------------------------------------------------------------------------


def test_dates_saved_moved_to_working_days_and_audited(year2019, secretariat):
    plan = schedule.period_dates_set(actor=secretariat, period=year2019, entered=entered())
    # 23/11/2019 a Saturday → 25/11; 15/12/2019 a Sunday → 16/12; 05/01/2020 a Sunday → 06/01
    # (the working-group meeting the same day is allowed).
    assert [m.message for m in plan.moves] == [
        "23/11/2019 là Thứ Bảy: ngày mở phần mềm chuyển sang 25/11/2019.",
        "15/12/2019 là Chủ nhật: hạn nộp hồ sơ chuyển sang 16/12/2019.",
        "05/01/2020 là Chủ nhật: hạn thẩm định lần 2 chuyển sang 06/01/2020.",
    ]
    period = Period.objects.get(pk=year2019.pk)
    assert local(period.self_assessment_deadline) == "23:59:59 16/12/2019"
    assert local(period.round1_start) == "00:00:00 18/12/2019"
    assert local(period.supplement_end) == "23:59:59 30/12/2019"
    assert period.cross_check_date == date(2019, 12, 25)
    assert period.criteria_issued == date(2019, 9, 26)
    assert period.decision_date == date(2020, 1, 21)
    entry = AuditEntry.objects.get(action=AuditAction.CALENDAR)
    assert entry.actor == secretariat and entry.period_id == year2019.pk
    assert entry.old_value["self_assessment_deadline"] is None
    assert entry.new_value["self_assessment_deadline"] == "2019-12-16"
    assert "15/12/2019 là Chủ nhật" in entry.reason


def test_unchanged_dates_keep_their_time_and_write_nothing(year2019, secretariat):
    schedule.period_dates_set(actor=secretariat, period=year2019, entered=entered())
    Period.objects.filter(pk=year2019.pk).update(
        round1_end=timezone.make_aware(datetime(2019, 12, 25, 17, 0))
    )
    period = Period.objects.get(pk=year2019.pk)
    plan = schedule.period_dates_set(
        actor=secretariat,
        period=period,
        entered=entered(self_assessment_deadline=date(2019, 12, 16)),
    )
    # 05/01/2020 still moves to 06/01, which is what is stored: nothing changes.
    assert plan.changed == {}
    assert [m.name for m in plan.moves] == ["self_assessment_opens", "round2_end"]
    period.refresh_from_db()
    assert local(period.round1_end) == "17:00:00 25/12/2019"
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR).count() == 1


def test_dates_out_of_order_refused_with_reasons_and_nothing_saved(year2019, secretariat):
    with pytest.raises(schedule.DatesRefused) as refused:
        schedule.period_dates_set(
            actor=secretariat,
            period=year2019,
            entered=entered(round1_start=date(2019, 12, 16), supplement_end=date(2019, 12, 26)),
        )
    errors = refused.value.message_dict
    # Round 1 cannot open on the day the deadline ends; the supplement cannot end before it
    # starts (and the 15/12 deadline had moved to 16/12 first).
    assert errors["round1_start"] == [
        "“Bắt đầu thẩm định lần 1” (16/12/2019) phải sau “Hạn nộp hồ sơ tự đánh giá” (16/12/2019)."
    ]
    assert errors["supplement_end"] == [
        "“Hạn giải trình bổ sung” (26/12/2019) không được trước "
        "“Bắt đầu giải trình bổ sung” (27/12/2019)."
    ]
    assert refused.value.plan.moves[1].moved_to == date(2019, 12, 16)
    period = Period.objects.get(pk=year2019.pk)
    assert period.self_assessment_deadline is None and period.criteria_issued is None
    assert not AuditEntry.objects.exists()


def test_dates_outside_the_cycle_years_refused(year2019, secretariat):
    with pytest.raises(schedule.DatesRefused) as refused:
        schedule.period_dates_set(
            actor=secretariat, period=year2019, entered=entered(council_date=date(2091, 1, 16))
        )
    assert refused.value.message_dict["council_date"] == [
        "“Họp Hội đồng thẩm định” (16/01/2091) phải trong khoảng từ năm 2018 đến năm 2021."
    ]


def test_partial_dates_checked_among_those_set(year2019, secretariat):
    plan = schedule.period_dates_set(
        actor=secretariat,
        period=year2019,
        entered={"supplement_start": date(2019, 12, 27), "supplement_end": date(2019, 12, 30)},
    )
    assert set(plan.changed) == {"supplement_start", "supplement_end"}
    with pytest.raises(schedule.DatesRefused):
        schedule.period_dates_set(
            actor=secretariat, period=year2019, entered={"round2_start": date(2019, 12, 30)}
        )


def test_province_day_off_moves_a_deadline(year2019, secretariat):
    schedule.province_day_add(
        actor=secretariat,
        period=year2019,
        day=date(2019, 12, 16),
        kind=DayKind.OFF,
        reason="Quyết định 12/QĐ-UBND: kỷ niệm ngày thành lập tỉnh",
    )
    plan = schedule.period_dates_set(actor=secretariat, period=year2019, entered=entered())
    assert plan.moves[1].message == "15/12/2019 là Chủ nhật: hạn nộp hồ sơ chuyển sang 17/12/2019."
    assert plan.dates["self_assessment_deadline"] == date(2019, 12, 17)
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR).count() == 2


def test_province_make_up_saturday_is_a_working_day(year2019, secretariat):
    schedule.province_day_add(
        actor=secretariat,
        period=year2019,
        day=date(2019, 12, 14),
        kind=DayKind.WORKING,
        reason="Làm bù",
    )
    plan = schedule.period_dates_plan(
        period=year2019, entered=entered(self_assessment_deadline=date(2019, 12, 14))
    )
    assert not [m for m in plan.moves if m.name == "self_assessment_deadline"]


def test_province_day_refusals(year2019, secretariat):
    with pytest.raises(ValidationError) as refused:
        schedule.province_day_add(
            actor=secretariat, period=year2019, day=date(2019, 12, 16), kind=DayKind.OFF, reason=""
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        schedule.province_day_add(
            actor=secretariat,
            period=year2019,
            day=date(2019, 12, 15),
            kind=DayKind.OFF,
            reason="x",
        )
    assert refused.value.message_dict["date"] == ["15/12/2019 vốn là ngày nghỉ (Chủ nhật)."]
    with pytest.raises(ValidationError) as refused:
        schedule.province_day_add(
            actor=secretariat,
            period=year2019,
            day=date(2019, 12, 16),
            kind=DayKind.WORKING,
            reason="x",
        )
    assert refused.value.message_dict["date"] == ["16/12/2019 vốn là ngày làm việc."]
    schedule.province_day_add(
        actor=secretariat, period=year2019, day=date(2019, 12, 16), kind=DayKind.OFF, reason="x"
    )
    with pytest.raises(ValidationError) as refused:
        schedule.province_day_add(
            actor=secretariat, period=year2019, day=date(2019, 12, 16), kind=DayKind.OFF, reason="y"
        )
    assert refused.value.message_dict["date"] == ["Ngày 16/12/2019 đã có trong lịch của tỉnh."]
    assert CalendarDay.objects.count() == 1
    schedule.province_day_remove(
        actor=secretariat, period=year2019, day_id=CalendarDay.objects.get().pk
    )
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR).count() == 2


def user_of(kind):
    unit = make_unit(make_group()) if kind in (RoleKind.AGENCY_STAFF, RoleKind.APPRAISER) else None
    return make_user(kind, unit)


@pytest.mark.parametrize("kind", [RoleKind.COUNCIL, RoleKind.LEADERSHIP, RoleKind.APPRAISER])
def test_only_the_secretariat_edits_dates(year2019, kind):
    with pytest.raises(PermissionDenied):
        schedule.period_dates_set(actor=user_of(kind), period=year2019, entered=entered())
    with pytest.raises(PermissionDenied):
        schedule.province_day_add(
            actor=user_of(kind), period=year2019, day=date(2019, 12, 16), kind="off", reason="x"
        )


def test_published_year_dates_frozen(secretariat):
    period = make_period(2018, Phase.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        schedule.period_dates_set(actor=secretariat, period=period, entered={})
    assert refused.value.code == "frozen"


# --- the page ------------------------------------------------------------------------------


def url(period) -> str:
    return reverse("appraisal_calendar", args=[period.year])


def test_page_saves_and_says_why_a_date_moved(client, year2019, secretariat):
    client.force_login(secretariat)
    page = client.get(url(year2019))
    assert page.status_code == 200
    assert 'name="self_assessment_deadline"' in page.content.decode()
    response = client.post(url(year2019), {"action": "dates", **SEED_2019}, follow=True)
    text = response.content.decode()
    assert "15/12/2019 là Chủ nhật: hạn nộp hồ sơ chuyển sang 16/12/2019." in text
    assert "Đã lưu lịch năm 2019." in text
    assert 'value="16/12/2019"' in text
    assert Period.objects.get(pk=year2019.pk).round1_meeting == date(2019, 12, 26)


def test_page_refusal_keeps_what_was_typed_and_saves_nothing(client, year2019, secretariat):
    client.force_login(secretariat)
    typed = {**SEED_2019, "round2_start": "29/12/2019", "council_date": "31/02/2020"}
    response = client.post(url(year2019), {"action": "dates", **typed})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Lịch chưa được lưu" in text
    assert "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy" in text  # 31/02
    assert 'value="31/02/2020"' in text and 'value="29/12/2019"' in text
    assert Period.objects.get(pk=year2019.pk).self_assessment_deadline is None
    typed["council_date"] = "16/01/2020"
    response = client.post(url(year2019), {"action": "dates", **typed})
    assert response.status_code == 400
    assert "&quot;Bắt đầu thẩm định lần 2&quot;" not in response.content.decode()
    assert "“Bắt đầu thẩm định lần 2” (30/12/2019) phải sau" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_page_province_day_add_and_remove(client, year2019, secretariat):
    client.force_login(secretariat)
    response = client.post(
        url(year2019),
        {"action": "day_add", "date": "16/12/2019", "kind": "off", "reason": "Lễ của tỉnh"},
        follow=True,
    )
    assert "Đã thêm ngày vào lịch của tỉnh." in response.content.decode()
    assert 'data-day="2019-12-16"' in response.content.decode()
    bad = client.post(url(year2019), {"action": "day_add", "date": "16/12/2019", "kind": "off"})
    assert bad.status_code == 400 and "Hãy ghi lý do" in bad.content.decode()
    day = CalendarDay.objects.get()
    client.post(url(year2019), {"action": "day_remove", "day_id": day.pk})
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("kind", [RoleKind.COUNCIL, RoleKind.LEADERSHIP])
def test_page_read_only_for_council_and_leadership(client, year2019, secretariat, kind):
    schedule.period_dates_set(actor=secretariat, period=year2019, entered=entered())
    client.force_login(make_user(kind))
    page = client.get(url(year2019))
    assert page.status_code == 200
    text = page.content.decode()
    assert "16/12/2019" in text and 'name="self_assessment_deadline"' not in text
    assert client.post(url(year2019), {"action": "dates", **SEED_2019}).status_code == 404
    assert client.post(url(year2019), {"action": "day_add"}).status_code == 404


@pytest.mark.parametrize("kind", [RoleKind.AGENCY_STAFF, RoleKind.APPRAISER, None])
def test_page_not_found_for_others(client, year2019, kind):
    client.force_login(user_of(kind))
    assert client.get(url(year2019)).status_code == 404


def test_cycle_page_links_to_the_calendar(client, year2019, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("appraisal_cycle", args=[2019]))
    assert url(year2019) in page.content.decode()
