"""Pages of the appraisal: parse, check (appraisal.rules via the selectors' 404 helpers),
call one service or selector, render. Refusals come back as Vietnamese messages."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from parindex.tabular_safe import csv_writer
from scoring import engine, workflow
from scoring.enums import Stage
from scoring.models import Criterion
from units.models import Group, Unit, User

from . import selectors, services
from .enums import CouncilDecision, CrossCheckDecision
from .models import Assignment

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
    from .views_cycle import cycle_context

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
def assignments(request, year: int):
    """Assignments: the list, a field for a whole group, and the CSV import."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    if request.method == "POST":
        if not request.user.has_perm("appraisal.manage_cycle", period):
            raise Http404
        try:
            if request.FILES.get("csv_file"):
                raw = request.FILES["csv_file"].read()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise ValidationError(_("Tệp CSV phải mã hóa UTF-8.")) from None
                count = services.assignments_import(actor=request.user, period=period, text=text)
                messages.success(request, _("Đã nhập %(n)s dòng phân công.") % {"n": count})
            else:
                field = Criterion.objects.filter(
                    period=period, parent__isnull=True, code=request.POST.get("field", "")
                ).first()
                group = Group.objects.filter(code=request.POST.get("group", "")).first()
                appraiser = User.objects.filter(username=request.POST.get("appraiser", "")).first()
                if field is None or group is None or appraiser is None:
                    raise ValidationError(_("Hãy chọn lĩnh vực, khối và thành viên."))
                done = services.assignment_bulk_set(
                    actor=request.user,
                    period=period,
                    field=field,
                    group=group,
                    appraiser=appraiser,
                )
                messages.success(request, _("Đã phân công %(n)s đơn vị.") % {"n": len(done)})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("appraisal_assignments", year=year)
    return render(
        request,
        "appraisal/assignments.html",
        {
            "period": period,
            "assignments": selectors.assignments_list(period=period),
            "fields": Criterion.objects.filter(period=period, parent__isnull=True),
            "groups": Group.objects.filter(periods__period=period),
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


# --- appraisers -----------------------------------------------------------------------------


@login_required
@require_safe
def queue(request, year: int):
    """The appraiser's assigned (unit × field) items and the cross-checks asked of them."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_queue")
    return render(
        request,
        "appraisal/queue.html",
        {
            "period": period,
            "rows": selectors.queue_rows(actor=request.user, period=period),
            "cross_checks": selectors.cross_checks_open(actor=request.user, period=period),
            "stage": workflow.rules_of(period.phase).appraiser_scores,
        },
    )


def _field_context(request, assessment, field_code: str) -> dict:
    stage = workflow.rules_of(assessment.period.phase).appraiser_scores or Stage.ROUND1
    field_node, rows = selectors.field_rows(
        assessment=assessment, field_code=field_code, stage=stage
    )
    item = workflow.Item(assessment, field_node, stage)
    if not request.user.has_perm("appraisal.view_item", item):
        raise Http404
    return {
        "assessment": assessment,
        "period": assessment.period,
        "field": field_node,
        "rows": rows,
        "stage": stage,
        "stage_label": Stage(stage).label,
        "editable": request.user.has_perm("appraisal.score_item", item),
        "can_flag": stage == Stage.ROUND1,
        "assignment": Assignment.objects.filter(
            period_id=assessment.period_id,
            unit_id=assessment.unit_id,
            field=field_node,
            appraiser=request.user,
        ).first(),
    }


@login_required
@require_safe
def field_page(request, assessment_id: int, field_code: str):
    """One field of one dossier: per leaf the unit's score, explanation and evidence, and
    the round's score, comment and supplement flag."""
    assessment = selectors.assessment_get(
        actor=request.user, assessment_id=assessment_id, perm="scoring.view_assessment"
    )
    return render(request, "appraisal/field.html", _field_context(request, assessment, field_code))


@login_required
@require_POST
def leaf_save(request, assessment_id: int, criterion_id: int):
    """Save a leaf's score at the open round (or propose / withdraw an exemption).

    A colleague's save in between is answered 409 with the current value, the entered values
    are shown back: nothing is lost silently.
    """
    item = selectors.item_get(
        actor=request.user, assessment_id=assessment_id, criterion_id=criterion_id
    )
    action = request.POST.get("action", "save")
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if action == "exempt":
            services.appraisal_exemption_set(
                actor=request.user,
                assessment=item.assessment,
                criterion=item.criterion,
                stage=item.stage,
                reason=request.POST.get("reason", ""),
            )
        elif action == "unexempt":
            services.appraisal_exemption_withdraw(
                actor=request.user,
                assessment=item.assessment,
                criterion=item.criterion,
                stage=item.stage,
            )
        else:
            saved = services.appraisal_score_set(
                actor=request.user,
                assessment=item.assessment,
                criterion=item.criterion,
                stage=item.stage,
                inputs=_inputs(request),
                comment=request.POST.get("comment", ""),
                supplement_requested=request.POST.get("supplement_requested") == "on",
                expected_version=_version(request),
            )
            if wants_json:
                return JsonResponse(
                    {
                        "version": saved.version,
                        "value": str(saved.value),
                        "provisional": saved.provisional,
                    }
                )
        messages.success(request, _("%(code)s: đã lưu.") % {"code": item.criterion.code})
    except PermissionDenied:
        raise Http404 from None
    except services.StaleVersionError as exc:
        current = exc.current
        detail = str(exc)
        if current is not None:
            detail += " " + _("Điểm hiện tại: %(value)s.") % {
                "value": engine.vn_number(current.value) if current.value is not None else "—"
            }
        if wants_json:
            return JsonResponse(
                {"detail": detail, "current": services.score_json(current)}, status=409
            )
        context = _field_context(request, item.assessment, item.criterion.field_code)
        context.update(
            {
                "stale_id": item.criterion.pk,
                "stale_message": detail,
                "posted_summary": "; ".join(
                    f"{k}={v}"
                    for k, v in request.POST.items()
                    if v and k not in ("csrfmiddlewaretoken", "version", "action")
                ),
            }
        )
        return render(request, "appraisal/field.html", context, status=409)
    except (engine.ScoringInputError, ValidationError) as exc:
        if wants_json:
            return JsonResponse({"detail": _text(exc)}, status=400)
        messages.error(request, f"{item.criterion.code}: {_text(exc)}")
    return redirect(
        reverse("appraisal_field", args=[item.assessment.pk, item.criterion.field_code])
        + f"#leaf-{item.criterion.pk}"
    )


@login_required
@require_POST
def assignment_done(request, assignment_id: int):
    assignment = get_object_or_404(Assignment, pk=assignment_id, appraiser=request.user)
    try:
        services.assignment_complete(actor=request.user, assignment=assignment)
        messages.success(request, _("Đã đánh dấu hoàn thành."))
    except ValidationError as exc:
        messages.error(request, _text(exc))
    except PermissionDenied:
        raise Http404 from None
    return redirect("appraisal_queue", year=assignment.period.year)


@login_required
def cross_check(request, cross_check_id: int):
    check = selectors.cross_check_get(actor=request.user, cross_check_id=cross_check_id)
    assessment = check.assessment
    if request.method == "POST":
        try:
            services.cross_check_decide(
                actor=request.user,
                cross_check=check,
                decision=request.POST.get("decision", CrossCheckDecision.CONFIRMED),
                inputs=_inputs(request),
                comment=request.POST.get("comment", ""),
                expected_version=_version(request),
            )
            messages.success(request, _("Đã kết luận thẩm định chéo."))
            return redirect("appraisal_queue", year=assessment.period.year)
        except (engine.ScoringInputError, ValidationError, services.StaleVersionError) as exc:
            messages.error(request, _text(exc))
        except PermissionDenied:
            raise Http404 from None
    _field, rows = selectors.field_rows(
        assessment=assessment, field_code=check.criterion.field_code, stage=check.stage
    )
    row = next((r for r in rows if r.criterion.pk == check.criterion_id), None)
    return render(
        request,
        "appraisal/cross_check.html",
        {
            "check": check,
            "row": row,
            "exemption": selectors.exemption_of(check=check),
            "assessment": assessment,
            "period": assessment.period,
        },
    )


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
    from .agency import supplement_lines, supplement_window

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
