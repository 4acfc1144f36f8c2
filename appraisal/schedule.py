"""The year's dates and the province's calendar days, edited by the secretariat.

Every date of the cycle, in the order the cycle runs (DATES). A date that falls on a
non-working day (scoring.calendar) moves to the next working day, and the move is said;
then the dates are checked in order; nothing is saved when one is wrong; every change
writes an audit row. Deadlines are stored as the end of their day in Asia/Ho_Chi_Minh,
the opening of a window as the start of its day (scoring.calendar.day_end / day_start).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import calendar
from scoring.enums import AuditAction, DayKind
from scoring.models import CalendarDay, Period

from .services import audit_record, period_lock, permission_require, refuse_frozen

START, END, DAY = "start", "end", "day"


@dataclass(frozen=True)
class DateSpec:
    name: str  # the Period field
    kind: str  # START: a window opens that day; END: a deadline; DAY: an event on that day
    label: str  # shown beside the input
    noun: str  # in the sentence saying why it moved ("hạn nộp hồ sơ … chuyển sang …")


# The cycle's dates in the order they must come (PAR-INDEX §1: the 2019 cycle as it ran).
DATES: tuple[DateSpec, ...] = (
    DateSpec(
        "criteria_issued",
        DAY,
        gettext_lazy("Ban hành bộ tiêu chí, hướng dẫn"),
        gettext_lazy("ngày ban hành bộ tiêu chí"),
    ),
    DateSpec(
        "self_assessment_opens",
        START,
        gettext_lazy("Mở phần mềm cho đơn vị tự đánh giá"),
        gettext_lazy("ngày mở phần mềm"),
    ),
    DateSpec(
        "self_assessment_deadline",
        END,
        gettext_lazy("Hạn nộp hồ sơ tự đánh giá"),
        gettext_lazy("hạn nộp hồ sơ"),
    ),
    DateSpec(
        "round1_start",
        START,
        gettext_lazy("Bắt đầu thẩm định lần 1"),
        gettext_lazy("ngày bắt đầu thẩm định lần 1"),
    ),
    DateSpec(
        "round1_end",
        END,
        gettext_lazy("Kết thúc thẩm định lần 1"),
        gettext_lazy("hạn thẩm định lần 1"),
    ),
    DateSpec(
        "cross_check_date",
        DAY,
        gettext_lazy("Thẩm định chéo"),
        gettext_lazy("ngày thẩm định chéo"),
    ),
    DateSpec(
        "round1_meeting",
        DAY,
        gettext_lazy("Họp thông qua kết quả thẩm định lần 1"),
        gettext_lazy("cuộc họp thông qua kết quả lần 1"),
    ),
    DateSpec(
        "supplement_start",
        START,
        gettext_lazy("Bắt đầu giải trình bổ sung"),
        gettext_lazy("ngày bắt đầu giải trình bổ sung"),
    ),
    DateSpec(
        "supplement_end",
        END,
        gettext_lazy("Hạn giải trình bổ sung"),
        gettext_lazy("hạn giải trình bổ sung"),
    ),
    DateSpec(
        "round2_start",
        START,
        gettext_lazy("Bắt đầu thẩm định lần 2"),
        gettext_lazy("ngày bắt đầu thẩm định lần 2"),
    ),
    DateSpec(
        "round2_end",
        END,
        gettext_lazy("Kết thúc thẩm định lần 2"),
        gettext_lazy("hạn thẩm định lần 2"),
    ),
    DateSpec(
        "working_group_meeting",
        DAY,
        gettext_lazy("Họp Tổ giúp việc"),
        gettext_lazy("cuộc họp Tổ giúp việc"),
    ),
    DateSpec(
        "council_date",
        DAY,
        gettext_lazy("Họp Hội đồng thẩm định"),
        gettext_lazy("cuộc họp Hội đồng thẩm định"),
    ),
    DateSpec(
        "decision_date",
        DAY,
        gettext_lazy("Quyết định công bố"),
        gettext_lazy("ngày quyết định công bố"),
    ),
)


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class DateMove:
    """A date entered on a non-working day, and the working day it moved to."""

    name: str
    entered: date
    moved_to: date
    reason: str  # "Chủ nhật", "Tết Nguyên Đán", …
    noun: str

    @property
    def message(self) -> str:
        return _("%(date)s là %(reason)s: %(what)s chuyển sang %(new)s.") % {
            "date": _vn(self.entered),
            "reason": self.reason,
            "what": self.noun,
            "new": _vn(self.moved_to),
        }


@dataclass
class DatesPlan:
    """What saving the entered dates would do: the moves, the errors, the final dates."""

    dates: dict[str, date | None]
    moves: list[DateMove] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class DatesRefused(ValidationError):
    """The dates are not in order (or outside the cycle's years): nothing was saved."""

    def __init__(self, plan: DatesPlan):
        super().__init__(plan.errors)
        self.plan = plan


def period_dates(*, period: Period) -> dict[str, date | None]:
    """The year's dates as calendar days in the portal's time zone."""
    return {spec.name: calendar.local_date(getattr(period, spec.name)) for spec in DATES}


def _order_error(spec: DateSpec, day: date, before: DateSpec, before_day: date) -> str | None:
    # A window opening after a deadline must open on a later day: the deadline lasts until
    # the end of its day. Anything else may fall on the same day as what precedes it.
    strict = before.kind == END and spec.kind == START
    if day > before_day or (day == before_day and not strict):
        return None
    template = (
        _("“%(this)s” (%(day)s) phải sau “%(before)s” (%(before_day)s).")
        if strict
        else _("“%(this)s” (%(day)s) không được trước “%(before)s” (%(before_day)s).")
    )
    return template % {
        "this": spec.label,
        "day": _vn(day),
        "before": before.label,
        "before_day": _vn(before_day),
    }


def period_dates_plan(
    *, period: Period, entered: dict[str, date | None], year_config=None
) -> DatesPlan:
    """Move each entered date to a working day, then check the order (reads only)."""
    config = year_config if year_config is not None else calendar.province_days()
    # Loose bounds, against typing mistakes (2091): criteria can be issued the year before,
    # a late cycle can end two years after its year.
    first, last = date(period.year - 1, 1, 1), date(period.year + 2, 12, 31)
    current = period_dates(period=period)
    plan = DatesPlan(dates={})
    previous: tuple[DateSpec, date] | None = None
    for spec in DATES:
        day = entered.get(spec.name, current[spec.name])
        if day is not None and not first <= day <= last:
            plan.errors.setdefault(spec.name, []).append(
                _("“%(this)s” (%(day)s) phải trong khoảng từ năm %(first)s đến năm %(last)s.")
                % {"this": spec.label, "day": _vn(day), "first": first.year, "last": last.year}
            )
            day = None
        if day is not None:
            reason = calendar.non_working_reason(day, config)
            if reason:
                moved = calendar.next_working_day(day, config)
                plan.moves.append(DateMove(spec.name, day, moved, reason, str(spec.noun)))
                day = moved
            if previous is not None:
                problem = _order_error(spec, day, *previous)
                if problem:
                    plan.errors.setdefault(spec.name, []).append(problem)
            previous = (spec, day)
        plan.dates[spec.name] = day
        if day != current[spec.name]:
            old = current[spec.name]
            plan.changed[spec.name] = (
                old.isoformat() if old else None,
                day.isoformat() if day else None,
            )
    return plan


def _stored(spec: DateSpec, day: date | None):
    if day is None:
        return None
    if isinstance(Period._meta.get_field(spec.name), models.DateTimeField):
        return calendar.day_end(day) if spec.kind == END else calendar.day_start(day)
    return day


@transaction.atomic
def period_dates_set(*, actor, period: Period, entered: dict[str, date | None]) -> DatesPlan:
    """Save the year's dates (the secretariat): moved to working days, checked in order,
    all or nothing, audited. A date left as it was keeps its stored time."""
    permission_require(actor, "appraisal.manage_cycle", period)
    period = period_lock(period)
    refuse_frozen(period)
    plan = period_dates_plan(period=period, entered=entered)
    if plan.errors:
        raise DatesRefused(plan)
    if not plan.changed:
        return plan
    by_name = {spec.name: spec for spec in DATES}
    for name in plan.changed:
        setattr(period, name, _stored(by_name[name], plan.dates[name]))
    period.save(update_fields=list(plan.changed))
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.CALENDAR,
        old={name: old for name, (old, _new) in plan.changed.items()},
        new={name: new for name, (_old, new) in plan.changed.items()},
        reason=" ".join(move.message for move in plan.moves),
    )
    return plan


# --- the province's own days ----------------------------------------------------------------


def calendar_range(*, period: Period) -> tuple[date, date]:
    """The days a cycle spans on its page: its year and the first half of the next."""
    return date(period.year, 1, 1), date(period.year + 1, 6, 30)


def province_day_list(*, period: Period) -> list[CalendarDay]:
    start, end = calendar_range(period=period)
    return list(CalendarDay.objects.filter(date__range=(start, end)))


def national_holidays(*, period: Period) -> list[tuple[date, str]]:
    """Vietnam's public holidays within the cycle's span, for reference on the page."""
    start, end = calendar_range(period=period)
    out, day = [], start
    while day <= end:
        name = calendar.holiday_name(day)
        if name:
            out.append((day, name))
        day += timedelta(days=1)
    return out


@transaction.atomic
def province_day_add(*, actor, period: Period, day: date | None, kind: str, reason: str):
    """A day off or a make-up working day the province sets (the secretariat), audited."""
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    reason = (reason or "").strip()
    errors = {}
    if day is None:
        errors["date"] = [_("Hãy nhập ngày (dd/mm/yyyy).")]
    if kind not in DayKind.values:
        errors["kind"] = [_("Hãy chọn ngày nghỉ hoặc ngày làm việc bù.")]
    if not reason:
        errors["reason"] = [_("Hãy ghi lý do (ví dụ: số văn bản của UBND tỉnh).")]
    if errors:
        raise ValidationError(errors)
    if kind == DayKind.WORKING and calendar.is_working_day(day, calendar.NO_PROVINCE_DAYS):
        raise ValidationError(
            {"date": [_("%(day)s vốn là ngày làm việc.") % {"day": _vn(day)}]}, code="useless"
        )
    if kind == DayKind.OFF and not calendar.is_working_day(day, calendar.NO_PROVINCE_DAYS):
        raise ValidationError(
            {
                "date": [
                    _("%(day)s vốn là ngày nghỉ (%(reason)s).")
                    % {"day": _vn(day), "reason": calendar.non_working_reason(day)}
                ]
            },
            code="useless",
        )
    try:
        with transaction.atomic():
            row = CalendarDay.objects.create(date=day, kind=kind, reason=reason, created_by=actor)
    except IntegrityError:
        raise ValidationError(
            {"date": [_("Ngày %(day)s đã có trong lịch của tỉnh.") % {"day": _vn(day)}]},
            code="duplicate",
        ) from None
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.CALENDAR,
        new={"day": day.isoformat(), "kind": kind, "reason": reason},
        reason=reason,
    )
    return row


@transaction.atomic
def province_day_remove(*, actor, period: Period, day_id: int) -> None:
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    row = CalendarDay.objects.select_for_update().filter(pk=day_id).first()
    if row is None:
        return
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.CALENDAR,
        old={"day": row.date.isoformat(), "kind": row.kind, "reason": row.reason},
    )
    row.delete()
