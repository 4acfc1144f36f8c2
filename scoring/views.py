from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from . import engine, selectors, services
from .models import Criterion


@require_safe
def ranking_index(request):
    latest = selectors.period_published_list().first()
    if latest is None:
        return render(
            request, "scoring/ranking.html", {"period": None, "report": None, "published": []}
        )
    return redirect("ranking_year", year=latest.year)


@require_safe
def ranking_year(request, year: int):
    """The public ranking of a published year: tables per group, band counts, overall mean."""
    period = selectors.period_get(actor=request.user, year=year)
    report = selectors.results_report(period=period)
    if not report["units"]:
        raise Http404
    groups = [
        {**group, "units": [u for u in report["units"] if u["group_code"] == group["group_code"]]}
        for group in report["groups"]
    ]
    return render(
        request,
        "scoring/ranking.html",
        {
            "period": period,
            "report": report,
            "groups": groups,
            "published": selectors.period_published_list(),
        },
    )


# --- the agency self-assessment workspace ------------------------------------------------
#
# The unit's own staff and head only: anyone else gets the same 404 as a missing dossier
# (selectors.own_assessment_get). Writes go through scoring.services; a refusal the user
# can fix comes back as a Vietnamese message next to what they entered.

LEAF_INPUT_NAMES = ("answer", "level", "value", "numerator", "denominator", "sipas", "count")


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _page_context(request, assessment) -> dict:
    user = request.user
    return {
        "assessment": assessment,
        "period": assessment.period,
        "editable": user.has_perm("scoring.edit_self_assessment", assessment),
        "can_submit": user.has_perm("scoring.submit_assessment_now", assessment),
        "can_withdraw": user.has_perm("scoring.withdraw_assessment_now", assessment),
        "is_head": user.has_perm("scoring.submit_assessment", assessment)
        or user.has_perm("scoring.withdraw_assessment", assessment),
    }


@login_required
@require_safe
def workspace(request, assessment_id: int):
    """The dossier's home: progress per field and the running total."""
    assessment = selectors.own_assessment_get(actor=request.user, assessment_id=assessment_id)
    summary = selectors.workspace_summary(actor=request.user, assessment=assessment)
    return render(
        request,
        "scoring/workspace.html",
        {**_page_context(request, assessment), **summary},
    )


@login_required
@require_safe
def field_form(request, assessment_id: int, field_code: str):
    """The scoring form of one field: one small autosaving form per leaf."""
    assessment = selectors.own_assessment_get(actor=request.user, assessment_id=assessment_id)
    field_node, rows = selectors.field_form_rows(
        actor=request.user, assessment=assessment, field_code=field_code
    )
    total, _sub_indexes = selectors.running_total(actor=request.user, assessment=assessment)
    return render(
        request,
        "scoring/field_form.html",
        {
            **_page_context(request, assessment),
            "field": field_node,
            "rows": rows,
            "total": total,
            "evidence_enabled": selectors.evidence_enabled(),
        },
    )


@login_required
@require_POST
def leaf_save(request, assessment_id: int, criterion_id: int):
    """Autosave of one leaf (htmx): score + explanation, or claim / withdraw an exemption.

    The answer is the leaf's status block (or the whole row after an exemption change) and
    the running total as an out-of-band swap. Bad input saves nothing and is answered with
    the message next to the leaf, the entered values left untouched in the browser.
    """
    assessment = selectors.own_assessment_get(actor=request.user, assessment_id=assessment_id)
    criterion = get_object_or_404(
        Criterion.objects.select_related("parent__parent"),
        pk=criterion_id,
        period_id=assessment.period_id,
        is_leaf=True,
    )
    action = request.POST.get("action", "save")
    error, saved, stale_version = "", False, None
    try:
        if action == "exempt":
            services.self_exemption_claim(
                actor=request.user,
                assessment=assessment,
                criterion=criterion,
                reason=request.POST.get("reason", ""),
            )
        elif action == "unexempt":
            services.self_exemption_withdraw(
                actor=request.user, assessment=assessment, criterion=criterion
            )
        else:
            raw_version = request.POST.get("version", "").strip()
            services.self_score_set(
                actor=request.user,
                assessment=assessment,
                criterion=criterion,
                inputs={name: request.POST.get(name, "") for name in LEAF_INPUT_NAMES},
                explanation=request.POST.get("explanation", ""),
                expected_version=int(raw_version) if raw_version.isdigit() else None,
            )
        saved = True
    except services.StaleVersionError as exc:
        # Keep the version the browser had: its next save is refused too, until a reload.
        error = str(exc)
        stale_version = request.POST.get("version", "")
    except (engine.ScoringInputError, ValidationError, services.DraftClosedError) as exc:
        error = _error_text(exc)
    except PermissionDenied:
        raise Http404 from None

    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{criterion.code}: {error}")
        return redirect(
            f"{reverse('field_form', args=[assessment.id, criterion.field_code])}"
            f"#leaf-{criterion.id}"
        )
    # An exemption change redraws the whole row; a score save only the leaf's status, so
    # nothing the user is typing is replaced. A refused exemption answers in the status too.
    whole_row = action in ("exempt", "unexempt") and not error
    context = {
        **_page_context(request, assessment),
        "row": selectors.leaf_form_row(
            actor=request.user, assessment=assessment, criterion_id=criterion.id
        ),
        "total": selectors.running_total(actor=request.user, assessment=assessment)[0],
        "error": error,
        "saved": saved,
        "stale_version": stale_version,
        "whole_row": whole_row,
        "evidence_enabled": selectors.evidence_enabled(),
    }
    response = render(request, "scoring/_leaf_save_response.html", context)
    if action in ("exempt", "unexempt") and error:
        response["HX-Retarget"] = f"#leaf-{criterion.id}-status"
        response["HX-Reswap"] = "outerHTML"
    return response


@login_required
def assessment_submit(request, assessment_id: int):
    """GET: the completeness check and a confirmation; POST (head): submit the dossier."""
    assessment = selectors.own_assessment_get(actor=request.user, assessment_id=assessment_id)
    error = ""
    evidence_warnings = selectors.evidence_warnings_of(actor=request.user, assessment=assessment)
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.assessment_submit(
                    actor=request.user,
                    assessment=assessment,
                    confirm=request.POST.get("confirm") in ("on", "1", "true"),
                )
                if evidence_warnings:
                    _evidence_warnings_confirm(request, assessment, evidence_warnings)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, gettext("Đã nộp hồ sơ tự đánh giá."))
            return redirect("workspace", assessment_id=assessment.id)
    completeness = selectors.assessment_completeness(assessment=assessment)
    return render(
        request,
        "scoring/submit.html",
        {
            **_page_context(request, assessment),
            "completeness": completeness,
            "error": error,
            "deadline_passed": selectors.self_deadline_passed(assessment=assessment),
            "evidence_warnings": evidence_warnings,
        },
        status=400 if error else 200,
    )


def _evidence_warnings_confirm(request, assessment, evidence_warnings) -> None:
    """The head submits knowing the evidence warnings: ticked, and kept as a record."""
    if request.POST.get("confirm_warnings") not in ("on", "1", "true"):
        raise ValidationError(
            gettext(
                "Hồ sơ có cảnh báo về tài liệu kiểm chứng: hãy xem lại và đánh dấu "
                "xác nhận đã biết các cảnh báo trước khi nộp."
            ),
            code="warnings_unconfirmed",
        )
    services.evidence_warnings_confirm(
        actor=request.user, assessment=assessment, warnings=evidence_warnings
    )


@login_required
@require_POST
def assessment_withdraw(request, assessment_id: int):
    """The head takes the submitted dossier back to draft (before the deadline)."""
    assessment = selectors.own_assessment_get(actor=request.user, assessment_id=assessment_id)
    try:
        services.assessment_withdraw(actor=request.user, assessment=assessment)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, gettext("Đã rút hồ sơ về để chỉnh sửa."))
    return redirect("workspace", assessment_id=assessment.id)
