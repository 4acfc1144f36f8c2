"""The year's calendar page: every date of the cycle and the province's days off and
make-up working days. The province's staff read it; the secretariat edits it (no admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from scoring import calendar

from . import schedule, selectors
from .forms import CalendarDayForm, PeriodDatesForm


def _initial(period) -> dict:
    return {
        name: day.strftime("%d/%m/%Y") if day else ""
        for name, day in schedule.period_dates(period=period).items()
    }


def _rows(form, dates: dict, config) -> list[dict]:
    rows = []
    for spec in schedule.DATES:
        day = dates.get(spec.name)
        rows.append(
            {
                "spec": spec,
                "field": form[spec.name] if form is not None else None,
                "day": day,
                "weekday": _weekday(day),
                "note": calendar.non_working_reason(day, config) if day else None,
            }
        )
    return rows


def _weekday(day) -> str:
    return calendar.weekday_name(day) if day else ""


def _add_errors(form, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@login_required
def calendar_page(request, year: int):
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    can_manage = request.user.has_perm("appraisal.manage_cycle", period)
    editable = can_manage and request.user.has_perm("appraisal.change_cycle", period)
    dates_form = PeriodDatesForm(initial=_initial(period))
    day_form = CalendarDayForm()
    moves, status = [], 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        action = request.POST.get("action", "dates")
        try:
            if action == "day_remove":
                raw = request.POST.get("day_id", "")
                schedule.province_day_remove(
                    actor=request.user, period=period, day_id=int(raw) if raw.isdigit() else 0
                )
                messages.success(request, _("Đã xóa ngày khỏi lịch của tỉnh."))
                return redirect("appraisal_calendar", year=year)
            if action == "day_add":
                day_form = CalendarDayForm(request.POST)
                if day_form.is_valid():
                    schedule.province_day_add(
                        actor=request.user,
                        period=period,
                        day=day_form.cleaned_data["date"],
                        kind=day_form.cleaned_data["kind"],
                        reason=day_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Đã thêm ngày vào lịch của tỉnh."))
                    return redirect("appraisal_calendar", year=year)
            else:
                dates_form = PeriodDatesForm(request.POST)
                if dates_form.is_valid():
                    plan = schedule.period_dates_set(
                        actor=request.user, period=period, entered=dates_form.cleaned_data
                    )
                    for move in plan.moves:
                        messages.info(request, move.message)
                    if plan.changed:
                        messages.success(request, _("Đã lưu lịch năm %(year)s.") % {"year": year})
                    else:
                        messages.info(request, _("Lịch không thay đổi."))
                    return redirect("appraisal_calendar", year=year)
        except schedule.DatesRefused as refused:
            moves = refused.plan.moves
            _add_errors(dates_form, refused)
        except ValidationError as refused:
            target = day_form if action == "day_add" else dates_form
            if hasattr(refused, "error_dict"):
                _add_errors(target, refused)
            else:
                target.add_error(None, " ".join(refused.messages))
        status = 400
    config = calendar.province_days()
    shown = schedule.period_dates(period=period)
    return render(
        request,
        "appraisal/calendar.html",
        {
            "period": period,
            "editable": editable,
            "dates_form": dates_form,
            "day_form": day_form,
            "rows": _rows(dates_form if editable else None, shown, config),
            "moves": moves,
            "province_days": [
                {"row": row, "weekday": _weekday(row.date)}
                for row in schedule.province_day_list(period=period)
            ],
            "holidays": [
                {"day": day, "weekday": _weekday(day), "name": name}
                for day, name in schedule.national_holidays(period=period)
            ],
            "frozen": can_manage and not editable,
        },
        status=status,
    )
