"""Secretariat pages for the criteria set: upload → preview → confirm, export, copy a year.

The parsed upload waits in the session (upload_session); nothing is saved until confirm.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import criteria_io
from .models import Period
from .upload_session import upload_forget, upload_get, upload_keep

KIND = "criteria"


def _require_manager(request, year: int | None = None) -> None:
    """The secretariat (of `year`, when the page is about one year); else a 404."""
    target = None if year is None else criteria_io.criteria_year(year)
    if not request.user.has_perm("scoring.manage_period", target):
        raise Http404


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def criteria_index(request):
    _require_manager(request)
    periods = list(Period.objects.annotate(node_count=Count("criteria")).order_by("-year"))
    with_criteria = [p for p in periods if p.node_count]
    latest = with_criteria[0].year if with_criteria else None
    return render(
        request,
        "scoring/criteria_index.html",
        {
            "periods": periods,
            "copy_from": latest,
            "copy_to": latest + 1 if latest else None,
        },
    )


@login_required
@require_POST
def criteria_upload(request):
    _require_manager(request)
    year = _int(request.POST.get("year"))
    upload = request.FILES.get("file")
    if year is None or not 1990 <= year <= 2100:
        messages.error(request, _("Hãy nhập năm hợp lệ (ví dụ 2025)."))
        return redirect("criteria_index")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp Excel (.xlsx) bộ tiêu chí."))
        return redirect("criteria_index")
    _require_manager(request, year)
    rows, errors = criteria_io.criteria_parse(upload)
    key = upload_keep(request, KIND, year=year, rows=rows, errors=errors, filename=upload.name)
    return redirect("criteria_preview", key=key)


@login_required
@require_GET
def criteria_preview(request, key: str):
    _require_manager(request)
    data = upload_get(request, KIND, key)
    _require_manager(request, data["year"])
    preview = criteria_io.criteria_preview(period_year=data["year"], rows=data["rows"])
    errors = data["errors"] + preview["errors"]
    return render(
        request,
        "scoring/criteria_preview.html",
        {
            "key": key,
            "upload": data,
            "preview": preview,
            "errors": errors,
        },
    )


@login_required
@require_POST
def criteria_confirm(request, key: str):
    _require_manager(request)
    data = upload_get(request, KIND, key)
    _require_manager(request, data["year"])
    if data["errors"]:
        messages.error(request, _("Tệp còn lỗi, chưa lưu gì. Hãy sửa tệp và tải lên lại."))
        return redirect("criteria_preview", key=key)
    try:
        criteria_io.criteria_import(actor=request.user, year=data["year"], rows=data["rows"])
    except criteria_io.CriteriaError as error:
        for message in error.errors:
            messages.error(request, message)
        return redirect("criteria_preview", key=key)
    upload_forget(request, KIND, key)
    messages.success(
        request,
        _("Đã lưu bộ tiêu chí năm %(year)s (%(n)s dòng).")
        % {"year": data["year"], "n": len(data["rows"])},
    )
    return redirect("criteria_index")


@login_required
@require_GET
def criteria_export(request, year: int):
    period = Period.objects.filter(year=year).first()
    if period is None:
        raise Http404
    _require_manager(request, year)
    response = HttpResponse(
        criteria_io.criteria_export(period=period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bo-tieu-chi-{year}.xlsx"'
    return response


@login_required
@require_POST
def criteria_copy(request):
    _require_manager(request)
    from_year, to_year = _int(request.POST.get("from_year")), _int(request.POST.get("to_year"))
    if from_year is None or to_year is None:
        messages.error(request, _("Hãy nhập năm nguồn và năm đích."))
        return redirect("criteria_index")
    _require_manager(request, to_year)
    try:
        criteria_io.criteria_copy(from_year=from_year, to_year=to_year, actor=request.user)
    except criteria_io.CriteriaError as error:
        for message in error.errors:
            messages.error(request, message)
        return redirect("criteria_index")
    messages.success(
        request,
        _("Đã sao chép bộ tiêu chí năm %(a)s sang năm %(b)s.") % {"a": from_year, "b": to_year},
    )
    return redirect("criteria_index")
