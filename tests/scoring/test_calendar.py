"""The working-day calendar against the rules of PAR-INDEX §7 and the government's real
decisions: weekends, fixed and lunar holidays, the national swaps, the province's own days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from scoring import calendar
from scoring.calendar import YearConfig
from scoring.enums import DayKind
from scoring.models import CalendarDay

NONE = calendar.NO_PROVINCE_DAYS


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_weekends_are_off_and_the_2019_deadline_moves_to_monday():
    assert not calendar.is_working_day(d("2019-12-14"), NONE)  # Saturday
    assert not calendar.is_working_day(d("2019-12-15"), NONE)  # Sunday
    assert calendar.is_working_day(d("2019-12-16"), NONE)
    # The seed report: 15/12/2019 was a Sunday, so the deadline became 16/12/2019.
    assert calendar.next_working_day(d("2019-12-15"), NONE) == d("2019-12-16")
    assert calendar.non_working_reason(d("2019-12-15"), NONE) == "Chủ nhật"
    assert calendar.non_working_reason(d("2019-12-14"), NONE) == "Thứ Bảy"
    assert calendar.non_working_reason(d("2019-12-16"), NONE) is None


@pytest.mark.parametrize(
    "day", ["2019-01-01", "2024-04-30", "2024-05-01", "2025-04-30", "2025-05-01", "2019-09-02"]
)
def test_fixed_holidays_are_off(day):
    assert not calendar.is_working_day(d(day), NONE)
    assert calendar.holiday_name(d(day))


@pytest.mark.parametrize("year", [2021, 2022, 2024, 2025, 2026])
def test_national_day_has_a_day_next_to_it_since_2021(year):
    # "2 September and a day next to it" (Labour Code 2019, from 2021).
    off = [day for day in (1, 2, 3) if calendar.holiday_name(date(year, 9, day))]
    assert 2 in off and len(off) == 2


@pytest.mark.parametrize(
    "first, last",
    [
        # Tết Nguyên đán as the government fixed it for civil servants (weekdays off).
        ("2020-01-23", "2020-01-29"),
        ("2024-02-08", "2024-02-14"),
        ("2025-01-27", "2025-01-31"),
        ("2026-02-16", "2026-02-20"),
    ],
)
def test_lunar_new_year_is_off(first, last):
    day = d(first)
    while day <= d(last):
        assert not calendar.is_working_day(day, NONE), day
        day = date.fromordinal(day.toordinal() + 1)
    assert "Tết" in calendar.non_working_reason(d(first), NONE)


@pytest.mark.parametrize(
    "day, observed",
    [
        ("2020-04-02", None),  # 10/3 lunar, a Thursday
        ("2024-04-18", None),
        ("2025-04-07", None),
        ("2019-04-14", "2019-04-15"),  # a Sunday: off on Monday instead
        ("2026-04-26", "2026-04-27"),
    ],
)
def test_hung_kings_day_by_the_lunar_calendar(day, observed):
    assert "Hùng Vương" in calendar.holiday_name(d(day))
    if observed:
        assert not calendar.is_working_day(d(observed), NONE)
        assert calendar.next_working_day(d(day), NONE) > d(observed)


def test_national_swaps_off_day_and_make_up_saturday():
    # 2019: Monday 29/4 off, worked on Saturday 4/5; 2025: Friday 2/5 off, Saturday 26/4 worked.
    assert not calendar.is_working_day(d("2019-04-29"), NONE)
    assert calendar.is_working_day(d("2019-05-04"), NONE)
    assert not calendar.is_working_day(d("2025-05-02"), NONE)
    assert calendar.is_working_day(d("2025-04-26"), NONE)
    # A swap decided for 2018 with its make-up day in 2019 (31/12/2018 off, 5/1/2019 worked).
    assert calendar.is_working_day(d("2019-01-05"), NONE)


def test_province_days_off_and_make_up_days_override_the_nation():
    config = YearConfig(
        days_off={d("2019-12-16"): "Kỷ niệm ngày thành lập tỉnh"},
        working_days={d("2019-12-21"): "Làm bù cho ngày 16/12"},
    )
    assert not calendar.is_working_day(d("2019-12-16"), config)
    assert calendar.is_working_day(d("2019-12-21"), config)  # a Saturday worked
    assert calendar.next_working_day(d("2019-12-15"), config) == d("2019-12-17")
    assert "Kỷ niệm ngày thành lập tỉnh" in calendar.non_working_reason(d("2019-12-16"), config)


def test_add_working_days_forward_backward_and_zero():
    # Friday 13/12/2019 + 1 working day is Monday 16/12; three before 16/12 is 11/12.
    assert calendar.add_working_days(d("2019-12-13"), 1, NONE) == d("2019-12-16")
    assert calendar.add_working_days(d("2019-12-16"), -3, NONE) == d("2019-12-11")
    assert calendar.add_working_days(d("2019-12-15"), 0, NONE) == d("2019-12-16")
    # Across Tết 2024: Wednesday 7/2 + 1 is Thursday 15/2.
    assert calendar.add_working_days(d("2024-02-07"), 1, NONE) == d("2024-02-15")
    assert calendar.working_days_between(d("2024-02-07"), d("2024-02-15"), NONE) == 1
    assert calendar.working_days_between(d("2019-12-13"), d("2019-12-13"), NONE) == 0


def test_deadline_is_the_end_of_the_day_in_vietnam():
    end = calendar.day_end(d("2019-12-16"))
    assert timezone.localtime(end).strftime("%H:%M:%S %d/%m/%Y") == "23:59:59 16/12/2019"
    assert end.utcoffset().total_seconds() == 7 * 3600
    assert calendar.local_date(end) == d("2019-12-16")
    start = calendar.day_start(d("2019-12-18"))
    assert timezone.localtime(start).strftime("%H:%M %d/%m/%Y") == "00:00 18/12/2019"
    assert calendar.local_date(datetime(2019, 12, 17, 18, 0, tzinfo=UTC)) == d("2019-12-18")


def _command(day: str) -> str:
    out = StringIO()
    call_command("next_working_day", day, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_next_working_day_command_contract():
    assert _command("2019-12-15") == "2019-12-16"
    assert _command("2019-12-16") == "2019-12-16"
    assert _command("2020-01-23") == "2020-01-30"  # Tết Canh Tý
    assert _command("2019-05-04") == "2019-05-04"  # a make-up Saturday


@pytest.mark.django_db
def test_next_working_day_command_uses_the_province_days():
    CalendarDay.objects.create(date=d("2019-12-16"), kind=DayKind.OFF, reason="Lễ của tỉnh")
    assert _command("2019-12-15") == "2019-12-17"
    CalendarDay.objects.create(date=d("2019-12-14"), kind=DayKind.WORKING, reason="Làm bù")
    assert _command("2019-12-14") == "2019-12-14"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["15/12/2019", "2019-02-30", "hôm nay"])
def test_next_working_day_command_refuses_bad_dates(bad):
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        _command(bad)
