"""The secretariat's cycle page and its small actions: the submission tracker (CSV, the
reminder), extensions, the year's choice for units that never submit, the supplement
window, the guarded phase moves; and the council's page. Views parse, ask the rules,
call one service or selector, render; refusals come back as Vietnamese messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from scoring import workflow
from scoring.enums import Phase
from scoring.models import Assessment

from . import council, extensions, moves, schedule, selectors, services, tracker
from .forms import ExtensionForm, SupplementDatesForm, UnsubmittedPolicyForm


def _text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for problems in error.message_dict.values() for m in problems)
    return " ".join(error.messages)


def _form_refused(request, form) -> None:
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, problem)


def _back(year: int, anchor: str):
    return redirect(reverse("appraisal_cycle", args=[year]) + f"#{anchor}")


def _board(request, period):
    return tracker.tracker(
        period=period,
        status=request.GET.get("trang_thai", ""),
        query=request.GET.get("q", ""),
        sort=request.GET.get("sap_xep", ""),
    )


def _moves(period) -> list[dict]:
    out = []
    for to in workflow.next_phases(period.phase):
        step = workflow.transition(period.phase, to)
        consequences = moves.phase_move_consequences(period=period, to_phase=to)
        out.append(
            {
                "phase": to,
                "label": Phase(to).label,
                "step": step,
                "consequences": consequences,
                "reason_required": step.reason_required or moves.move_is_unusual(consequences),
                "problems": services.phase_move_problems(
                    period=period, to_phase=to, reason="x", consequences=consequences
                ),
            }
        )
    return out


def cycle_context(request, period) -> dict:
    user = request.user
    can_manage = user.has_perm("appraisal.manage_cycle", period)
    editable = can_manage and user.has_perm("appraisal.change_cycle", period)
    board = _board(request, period)
    dates = schedule.period_dates(period=period)
    return {
        "period": period,
        "board": board,
        "statuses": tracker.STATUS_LABELS,
        "sorts": tracker.SORTS,
        "moves": _moves(period) if can_manage else [],
        "overview": selectors.round_overview(period=period),
        "approvals": selectors.approvals(period=period),
        "can_manage": can_manage,
        "can_approve": user.has_perm("appraisal.approve", period),
        "can_remind": can_manage and user.has_perm("appraisal.remind_units", period),
        "policy_form": UnsubmittedPolicyForm(initial={"policy": period.unsubmitted_policy})
        if can_manage and user.has_perm("appraisal.set_unsubmitted_policy", period)
        else None,
        "policy_label": period.get_unsubmitted_policy_display(),
        "supplement_form": SupplementDatesForm(
            initial={
                name: dates[name].strftime("%d/%m/%Y") if dates[name] else ""
                for name in ("supplement_start", "supplement_end")
            }
        )
        if editable
        else None,
        "extension_form": ExtensionForm(units=[row.unit for row in board.all_rows])
        if editable
        else None,
        "csv_query": request.GET.urlencode(),
    }


@login_required
@require_safe
def tracker_csv(request, year: int):
    """The tracker as CSV, with the filter, search and sort of the page."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    response = HttpResponse(
        "\ufeff" + tracker.tracker_csv(_board(request, period)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="theo-doi-nop-ho-so-{year}.csv"'
    return response


@login_required
@require_POST
def remind(request, year: int):
    """Remind every unit not yet submitted, in one action."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    try:
        count = tracker.units_remind(actor=request.user, period=period)
        messages.success(
            request, _("Đã gửi nhắc nộp hồ sơ đến %(n)s đơn vị chưa nộp.") % {"n": count}
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    return _back(year, "tracker")


@login_required
@require_POST
def extension(request, year: int):
    """Give one unit more time (or take it back: action=withdraw)."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    units = list(
        Assessment.objects.filter(period=period).select_related("unit").order_by("unit__code")
    )
    form = ExtensionForm(request.POST, units=[a.unit for a in units])
    withdraw = request.POST.get("action") == "withdraw"
    if withdraw:  # only the unit, the deadline and a reason are needed
        form.fields["until"].required = False
    if not form.is_valid():
        _form_refused(request, form)
        return _back(year, "extensions")
    assessment = next(a for a in units if a.unit.code == form.cleaned_data["unit"])
    try:
        if withdraw:
            extensions.extension_withdraw(
                actor=request.user,
                assessment=assessment,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Đã thu hồi gia hạn."))
        else:
            granted = extensions.extension_grant(
                actor=request.user,
                assessment=assessment,
                deadline=form.cleaned_data["deadline"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
            if granted.moved_from:
                messages.info(
                    request,
                    _("%(day)s là %(reason)s: gia hạn chuyển sang %(new)s.")
                    % {
                        "day": granted.moved_from.strftime("%d/%m/%Y"),
                        "reason": granted.moved_reason,
                        "new": granted.extension.until.strftime("%d/%m/%Y"),
                    },
                )
            messages.success(
                request,
                _("Đã gia hạn cho %(unit)s đến %(until)s.")
                % {
                    "unit": assessment.unit.name,
                    "until": extensions._when(granted.extension.until),
                },
            )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    except PermissionDenied:
        raise Http404 from None
    return _back(year, "extensions")


@login_required
@require_POST
def unsubmitted_policy(request, year: int):
    """The year's choice for the units that never submit (before round 1)."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    form = UnsubmittedPolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn cách xử lý đơn vị không nộp hồ sơ."))
        return _back(year, "phase-moves")
    try:
        services.unsubmitted_policy_set(
            actor=request.user, period=period, policy=form.cleaned_data["policy"]
        )
        messages.success(request, _("Đã lưu cách xử lý đơn vị không nộp hồ sơ."))
    except ValidationError as exc:
        messages.error(request, _text(exc))
    return _back(year, "phase-moves")


@login_required
@require_POST
def supplement_dates(request, year: int):
    """The supplement window from the cycle page: the calendar page's service, the same
    checks (working days, the order of the year's dates), all or nothing, audited."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    form = SupplementDatesForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return _back(year, "supplement-window")
    try:
        plan = schedule.period_dates_set(
            actor=request.user, period=period, entered=dict(form.cleaned_data)
        )
        for move in plan.moves:
            messages.info(request, move.message)
        if plan.changed:
            messages.success(request, _("Đã lưu thời gian giải trình bổ sung."))
        else:
            messages.info(request, _("Thời gian giải trình bổ sung không thay đổi."))
    except ValidationError as exc:
        messages.error(request, _text(exc))
    return _back(year, "supplement-window")


@login_required
@require_safe
def council_page(request, year: int):
    """What the council approves (ranking, bands, self vs final, changes since round 1),
    each member's opinion; a member of the year gives theirs in the council phase."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    user = request.user
    overview = council.council_overview(period=period)
    mine = next((o.approval for o in overview["opinions"] if o.member.pk == user.pk), None)
    return render(
        request,
        "appraisal/council.html",
        {
            "period": period,
            **overview,
            "can_approve": user.has_perm("appraisal.approve", period),
            "mine": mine,
            "can_manage": user.has_perm("appraisal.manage_cycle", period),
        },
    )
