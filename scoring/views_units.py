"""Secretariat pages for a year's units: lineage upload → preview → confirm, and the year's
set-up reviewed on one page before confirming.

The parsed upload waits in the session (upload_session); nothing is saved until confirm.
Every page asks scoring's rules with the period of its year; refusals are the same 404 as a
missing year.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import unit_changes
from .models import Period
from .selectors import period_get
from .upload_session import upload_forget, upload_get, upload_keep

KIND = "unit_changes"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _require_manager(request) -> None:
    if not request.user.has_perm("scoring.manage_unit_changes"):
        raise Http404


@login_required
@require_GET
def unit_changes_index(request):
    _require_manager(request)
    periods = list(Period.objects.order_by("-year"))
    counts = unit_changes.unit_change_counts()
    rows = [
        {
            "period": p,
            "changes": counts.get(p.year, 0),
            "can_set_up": request.user.has_perm("scoring.set_up_year", p),
        }
        for p in periods
    ]
    return render(
        request,
        "scoring/unit_changes_index.html",
        {"rows": rows, "header": ",".join(unit_changes.HEADER)},
    )


@login_required
@require_POST
def unit_changes_upload(request):
    _require_manager(request)
    try:
        year = int(str(request.POST.get("year", "")).strip())
    except ValueError:
        year = None
    upload = request.FILES.get("file")
    if year is None or not Period.objects.filter(year=year).exists():
        messages.error(request, _("Hãy chọn một năm đã có kỳ đánh giá."))
        return redirect("unit_changes_index")
    period = period_get(actor=request.user, year=year, perm="scoring.manage_unit_changes")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp CSV hoặc Excel (.xlsx) thay đổi đơn vị."))
        return redirect("unit_changes_index")
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, _("Tệp quá lớn (tối đa 5 MB)."))
        return redirect("unit_changes_index")
    try:
        rows, read_errors = unit_changes.unit_changes_file_read(upload.read()), []
    except unit_changes.UnitChangesError as error:
        rows, read_errors = [], error.errors
    key = upload_keep(
        request, KIND, year=period.year, rows=rows, errors=read_errors, filename=upload.name
    )
    return redirect("unit_changes_preview", key=key)


@login_required
@require_GET
def unit_changes_preview(request, key: str):
    _require_manager(request)
    data = upload_get(request, KIND, key)
    period = period_get(actor=request.user, year=data["year"], perm="scoring.manage_unit_changes")
    check = (
        unit_changes.unit_changes_check(year=period.year, rows=data["rows"])
        if not data["errors"]
        else unit_changes.UnitChangesCheck(year=period.year, errors=data["errors"])
    )
    return render(
        request,
        "scoring/unit_changes_preview.html",
        {"key": key, "upload": data, "period": period, "check": check},
        status=200 if check.ok else 400,
    )


@login_required
@require_POST
def unit_changes_confirm(request, key: str):
    _require_manager(request)
    data = upload_get(request, KIND, key)
    period = period_get(actor=request.user, year=data["year"], perm="scoring.manage_unit_changes")
    if data["errors"]:
        messages.error(request, _("Tệp còn lỗi, chưa lưu gì. Hãy sửa tệp và tải lên lại."))
        return redirect("unit_changes_preview", key=key)
    try:
        summary = unit_changes.unit_changes_import(
            actor=request.user, year=period.year, rows=data["rows"], source=data["filename"]
        )
    except unit_changes.UnitChangesError as error:
        for message in error.errors[:20]:
            messages.error(request, message)
        return redirect("unit_changes_preview", key=key)
    upload_forget(request, KIND, key)
    messages.success(request, summary.message())
    return redirect("year_units", year=period.year)


@login_required
@require_GET
def year_units(request, year: int):
    """The year's lineage and, while it may still be set up, the units and groups it will
    have: reviewed here, confirmed with one button."""
    period = period_get(actor=request.user, year=year, perm="scoring.manage_unit_changes")
    can_set_up = request.user.has_perm("scoring.set_up_year", period)
    return render(
        request,
        "scoring/year_units.html",
        {
            "period": period,
            "changes": unit_changes.unit_change_list(year=year),
            "plan": unit_changes.year_setup_plan(period=period) if can_set_up else None,
            "can_set_up": can_set_up,
        },
    )


@login_required
@require_POST
def year_setup_confirm(request, year: int):
    period = period_get(actor=request.user, year=year, perm="scoring.set_up_year")
    try:
        plan = unit_changes.year_setup_apply(actor=request.user, period=period)
    except unit_changes.UnitChangesError as error:
        for message in error.errors[:20]:
            messages.error(request, message)
        return redirect("year_units", year=year)
    messages.success(
        request,
        _(
            "Đã thiết lập năm %(y)s: %(units)s đơn vị; tạo %(created)s hồ sơ, chuyển khối "
            "%(moved)s, bỏ %(removed)s."
        )
        % {
            "y": year,
            "units": len(plan.units),
            "created": len(plan.to_create),
            "moved": len(plan.to_regroup),
            "removed": len(plan.to_remove),
        },
    )
    return redirect("year_units", year=year)
