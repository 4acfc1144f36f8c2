"""Pages of the appraisal: parse, check (appraisal.rules via the selectors' 404 helpers),
call one service or selector, render. Refusals come back as Vietnamese messages."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from parindex.tabular_safe import csv_writer
from scoring.models import Criterion
from units.models import Unit, User

from . import selectors, services
from .agency import supplement_lines, supplement_window
from .enums import CouncilDecision
from .views_cycle import cycle_context

LEAF_INPUT_NAMES = ("answer", "level", "value", "numerator", "denominator", "sipas", "count")


def _text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _inputs(request) -> dict:
    return {name: request.POST.get(name, "") for name in LEAF_INPUT_NAMES}


def _version(request) -> int | None:
    raw = request.POST.get("version", "").strip()
    return int(raw) if raw.isdigit() else None


# --- the secretariat, the council ---------------------------------------------------------


@login_required
@require_safe
def cycle(request, year: int):
    """The year's control page: the submission tracker, the phase moves with their
    consequences, the supplement window, per-unit self vs round-1 index, approvals."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    return render(request, "appraisal/cycle.html", cycle_context(request, period))


@login_required
@require_POST
def phase_move(request, year: int):
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    try:
        services.phase_move(
            actor=request.user,
            period=period,
            to_phase=request.POST.get("to_phase", ""),
            reason=request.POST.get("reason", ""),
            confirm=request.POST.get("confirm", "").lower() in ("on", "true", "1"),
        )
        messages.success(request, _("Đã chuyển giai đoạn."))
    except services.MoveNotConfirmed as exc:
        messages.error(request, " ".join(exc.messages))
        for consequence in exc.consequences:
            messages.error(request, consequence.text)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(reverse("appraisal_cycle", args=[year]) + "#phase-moves")


@login_required
@require_POST
def decision(request, year: int):
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    try:
        raw = request.POST.get("decision_date", "").strip()
        when = date.fromisoformat(raw) if raw else None
    except ValueError:
        messages.error(request, _("Ngày quyết định không hợp lệ (dd/mm/yyyy)."))
        return redirect("appraisal_cycle", year=year)
    try:
        services.decision_record(
            actor=request.user,
            period=period,
            number=request.POST.get("decision_number", ""),
            date=when,
            signer=request.POST.get("decision_signer", ""),
        )
        messages.success(request, _("Đã ghi quyết định công bố."))
    except ValidationError as exc:
        messages.error(request, _text(exc))
    return redirect("appraisal_cycle", year=year)


@login_required
@require_POST
def approve(request, year: int):
    """A council member's approval, or objection with a comment (the council page)."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    try:
        opinion = services.council_approve(
            actor=request.user,
            period=period,
            decision=request.POST.get("decision", CouncilDecision.APPROVED),
            comment=request.POST.get("comment", ""),
        )
        messages.success(
            request,
            _("Đã ghi nhận thông qua kết quả.")
            if opinion.decision == CouncilDecision.APPROVED
            else _("Đã ghi nhận ý kiến không thông qua."),
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    except PermissionDenied:
        raise Http404 from None
    return redirect("appraisal_council", year=year)


@login_required
def team(request, year: int):
    """The year's working group with its load; the secretariat adds members."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    if request.method == "POST":
        if not request.user.has_perm("appraisal.manage_cycle", period):
            raise Http404
        user = User.objects.filter(username=request.POST.get("username", "").strip()).first()
        unit = Unit.objects.filter(code=request.POST.get("home_unit", "").strip()).first()
        if user is None or unit is None:
            messages.error(request, _("Không tìm thấy người dùng hoặc đơn vị công tác."))
        else:
            try:
                services.team_member_set(
                    actor=request.user,
                    period=period,
                    user=user,
                    home_unit=unit,
                    expertise=request.POST.get("expertise", "").replace(";", ",").split(","),
                )
                messages.success(request, _("Đã cập nhật Tổ giúp việc."))
            except ValidationError as exc:
                messages.error(request, _text(exc))
        return redirect("appraisal_team", year=year)
    return render(
        request,
        "appraisal/team.html",
        {
            "period": period,
            "members": selectors.team_load(period=period),
            "can_manage": request.user.has_perm("appraisal.manage_cycle", period),
        },
    )


@login_required
@require_safe
def assignments_export(request, year: int):
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    response = HttpResponse(
        "\ufeff" + selectors.assignments_csv(period=period), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="phan-cong-{year}.csv"'
    return response


@login_required
@require_safe
def audit_export(request, year: int):
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-tham-dinh-{year}.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)
    for row in selectors.audit_csv_rows(period=period):
        writer.writerow(row)
    return response


# --- appraisers (the queue, an item, the cross-check: appraisal.views_desk) -----------------


@login_required
@require_safe
def leaf_audit(request, assessment_id: int, criterion_id: int):
    """The history of one leaf of a dossier (province staff and the leaf's appraiser)."""
    item = selectors.item_get(
        actor=request.user, assessment_id=assessment_id, criterion_id=criterion_id
    )
    return render(
        request,
        "appraisal/leaf_audit.html",
        {
            "assessment": item.assessment,
            "criterion": item.criterion,
            "entries": selectors.audit_for_leaf(
                assessment=item.assessment, criterion=item.criterion
            ),
        },
    )


# --- the agency ------------------------------------------------------------------------------


@login_required
@require_safe
def agency_results(request, assessment_id: int):
    """The unit's appraisal as the phase allows: round-1 scores and comments (appraisers'
    names hidden), the items to supplement, the full scorecard once published."""
    assessment = selectors.assessment_get(
        actor=request.user, assessment_id=assessment_id, perm="appraisal.view_round1_results"
    )

    context = selectors.agency_rows(actor=request.user, assessment=assessment)
    window = supplement_window(assessment=assessment)
    return render(
        request,
        "appraisal/agency.html",
        {
            "assessment": assessment,
            "period": assessment.period,
            "window": window,
            "window_line": supplement_lines(window),
            **context,
        },
    )


@login_required
@require_POST
def supplement_save(request, assessment_id: int, criterion_id: int):
    assessment = selectors.assessment_get(
        actor=request.user, assessment_id=assessment_id, perm="scoring.view_own_assessment"
    )
    criterion = get_object_or_404(
        Criterion, pk=criterion_id, period_id=assessment.period_id, is_leaf=True
    )
    try:
        explanation = request.POST.get("explanation", "").strip()
        files = request.FILES.getlist("file")
        if not explanation and not files:
            raise ValidationError(_("Hãy nhập giải trình hoặc chọn tệp tài liệu."))
        if explanation:
            services.supplement_explanation_set(
                actor=request.user,
                assessment=assessment,
                criterion=criterion,
                explanation=explanation,
            )
        if files:
            services.supplement_evidence_upload(
                actor=request.user, assessment=assessment, criterion=criterion, uploaded_files=files
            )
        messages.success(
            request, _("%(code)s: đã lưu giải trình bổ sung.") % {"code": criterion.code}
        )
    except ValidationError as exc:
        messages.error(request, f"{criterion.code}: {_text(exc)}")
    except PermissionDenied:
        raise Http404 from None
    return redirect("appraisal_agency", assessment_id=assessment.pk)
