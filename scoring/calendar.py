"""The working-day calendar: the one place that says whether a day is worked.

Saturdays and Sundays are off, and so are Vietnam's public holidays, taken from the
`holidays` package's Vietnam calendar: Tết Dương lịch (1/1), Tết Nguyên đán by the lunar
calendar (five days off around it), Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, Quốc khánh
2/9 with the day next to it, the days moved off by the government and the weekend days
worked in exchange. On top of it the province sets its own days off and make-up working
days (scoring.CalendarDay rows, edited by the secretariat): a `YearConfig`.

A date deadline means the end of that working day in the portal's time zone
(Asia/Ho_Chi_Minh); a start date its beginning (`day_end`, `day_start`). A deadline that
falls on a non-working day moves to the next working day (`next_working_day`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .enums import DayKind
from .models import CalendarDay

# Far enough for any real chain of holidays (Tết with its weekends is nine days).
_SEARCH_LIMIT = 60
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class YearConfig:
    """The province's own days: date → reason, for days off and for make-up working days."""

    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)


NO_PROVINCE_DAYS = YearConfig()


def province_days(years: Iterable[int] | None = None) -> YearConfig:
    """The province's days from the database (of the given calendar years, or all of them)."""
    rows = CalendarDay.objects.all()
    if years is not None:
        rows = rows.filter(date__year__in=list(years))
    days_off, working_days = {}, {}
    for day, kind, reason in rows.values_list("date", "kind", "reason"):
        (working_days if kind == DayKind.WORKING else days_off)[day] = reason
    return YearConfig(days_off=days_off, working_days=working_days)


def _language() -> str:
    return "en_US" if (get_language() or "vi").startswith("en") else "vi"


@lru_cache(maxsize=64)
def _national(year: int, language: str) -> holidays.HolidayBase:
    # The neighbouring years too: a swap decided for one year can put the make-up working
    # day in the next (31/12/2018 off, worked on Saturday 5/1/2019).
    return holidays.country_holidays("VN", years=[year - 1, year, year + 1], language=language)


def _national_of(day: date) -> holidays.HolidayBase:
    return _national(day.year, _language())


def holiday_name(day: date) -> str | None:
    """The national holiday on that day (its Vietnamese name), or None."""
    return _national_of(day).get(day)


WEEKDAYS = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


def weekday_name(day: date) -> str:
    return str(WEEKDAYS[day.weekday()])


def is_working_day(day: date, year_config: YearConfig | None = None) -> bool:
    """Whether the day is worked: the province's days first, then the national calendar."""
    config = year_config or NO_PROVINCE_DAYS
    if day in config.working_days:
        return True
    if day in config.days_off:
        return False
    return _national_of(day).is_working_day(day)


def non_working_reason(day: date, year_config: YearConfig | None = None) -> str | None:
    """Why the day is not worked ("Chủ nhật", "Tết Nguyên Đán", the province's reason), or
    None for a working day."""
    if is_working_day(day, year_config):
        return None
    config = year_config or NO_PROVINCE_DAYS
    if day in config.days_off:
        return _("ngày nghỉ do tỉnh quy định (%(reason)s)") % {"reason": config.days_off[day]}
    weekend = weekday_name(day) if day.weekday() >= 5 else None
    names = [name for name in (weekend, holiday_name(day)) if name]
    return ", ".join(names)


def next_working_day(day: date, year_config: YearConfig | None = None) -> date:
    """The day itself when it is worked, else the next working day.

    Without a `year_config` the province's days are read from the database.
    """
    config = year_config if year_config is not None else province_days()
    for offset in range(_SEARCH_LIMIT):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, config):
            return candidate
    raise ValueError(f"no working day within {_SEARCH_LIMIT} days of {day.isoformat()}")


def add_working_days(day: date, n: int, year_config: YearConfig | None = None) -> date:
    """The n-th working day after `day` (before it when n is negative); n = 0 is
    `next_working_day(day)`."""
    config = year_config if year_config is not None else province_days()
    if n == 0:
        return next_working_day(day, config)
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if is_working_day(current, config):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, year_config: YearConfig | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    config = year_config if year_config is not None else province_days()
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, config):
            count += 1
    return count


# --- dates and the instants they stand for --------------------------------------------------


def local_date(value: date | datetime | None) -> date | None:
    """The calendar day of a stored value in the portal's time zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def day_start(day: date) -> datetime:
    """The first instant of the day in the portal's time zone (a window that opens that day)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_end(day: date) -> datetime:
    """The end of the day in the portal's time zone: a date deadline (23:59:59)."""
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))
