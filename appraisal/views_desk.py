"""The appraiser's desk and the secretariat's assignments: parse, check (appraisal.rules via
the selectors' 404 helpers), call one service or selector, render.

- the queue (grouped by unit, filters, search, sort, cross-checks and supplement answers
  waiting at the top), done in bulk with the refusal of unscored leaves;
- an item (one field of one dossier): saved leaf by leaf without a reload (htmx: the leaf's
  section comes back with its confirmation), the unit's own score kept for a leaf or every
  unchanged leaf, the working group's notes, the previous and next item, done;
- the cross-check: after a decision the next one opens;
- assignments: the list with its warnings, bulk reassign, the suggestion, the progress view.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from parindex.downloads import file_response
from scoring import engine, workflow
from scoring.enums import Stage
from scoring.models import Criterion
from units.models import Group, User

from . import assigning, desk, notes, progress, selectors, services
from .enums import CrossCheckDecision
from .models import Assignment, CrossCheck
from .views import _inputs, _text, _version

# The queue's filters, search and sort (GET), carried to an item and back as `hang-doi`.
QUEUE_PARAMS = ("linh-vuc", "don-vi", "khoi", "trang-thai", "ho-so", "q", "sap-xep")


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _queue_query(params) -> str:
    """The filters in force as a query string (the default sort left out)."""
    return urlencode(
        [
            (k, params[k])
            for k in QUEUE_PARAMS
            if params.get(k) and not (k == "sap-xep" and params[k] == "unit")
        ]
    )


def _carried(request) -> str:
    """The queue's query string an item page was opened with (GET or POST `hang-doi`)."""
    raw = request.GET.get("hang-doi") or request.POST.get("hang-doi") or ""
    return _queue_query(QueryDict(raw))


def _queue_url(year: int, query: str = "") -> str:
    url = reverse("appraisal_queue", args=[year])
    return f"{url}?{query}" if query else url


def _field_url(assessment_id: int, field_code: str, query: str = "", anchor: str = "") -> str:
    url = reverse("appraisal_field", args=[assessment_id, field_code])
    if query:
        url += "?" + urlencode({"hang-doi": query})
    return url + (f"#{anchor}" if anchor else "")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _ids(values) -> list[int]:
    out = []
    for raw in values:
        try:
            out.append(int(raw))
        except (TypeError, ValueError):
            raise Http404 from None
    return out


# --- the queue ------------------------------------------------------------------------------


def _queue_page(request, period, *, params, refusal=None, status: int = 200):
    actor = request.user
    data = progress.item_progress(
        period=period,
        assignments=Assignment.objects.filter(period=period, appraiser=actor),
        viewer=actor,
    )
    rows = data.rows
    shown = progress.queue_filter(rows, params)
    sort = params.get("sap-xep", "unit")
    fields = sorted({r.field.pk: r.field for r in rows}.values(), key=lambda f: (f.order, f.code))
    units = sorted(
        {r.unit.pk: r.unit for r in rows}.values(), key=lambda u: (u.group.order, u.order, u.code)
    )
    groups = sorted({r.unit.group.pk: r.unit.group for r in rows}.values(), key=lambda g: g.order)
    query = _queue_query(params)
    return render(
        request,
        "appraisal/queue.html",
        {
            "period": period,
            "units": progress.queue_group(shown, sort),
            "shown": len(shown),
            "total": len(rows),
            "done": sum(r.done for r in rows),
            "cross_checks": progress.cross_checks_open(actor=actor, period=period),
            "supplements": data.supplements,
            "stage": workflow.rules_of(period.phase).appraiser_scores,
            "params": {k.replace("-", "_"): params.get(k, "") for k in QUEUE_PARAMS},
            "query": query,
            "carry": urlencode({"hang-doi": query}) if query else "",
            "fields": fields,
            "unit_options": units,
            "groups": groups,
            "statuses": progress.STATUSES,
            "dossiers": progress.DOSSIERS,
            "sorts": progress.SORTS,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_safe
def queue(request, year: int):
    """The appraiser's items by unit, with the cross-checks and supplement answers waiting
    for them at the top."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_queue")
    return _queue_page(request, period, params=request.GET)


@login_required
@require_POST
def queue_done(request, year: int):
    """Mark the chosen items done (`assignment`, several; or one: `only`). Unscored leaves
    are refused with the list, and taken only with the confirmation and a reason."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_queue")
    only = request.POST.get("only")
    ids = _ids([only] if only else request.POST.getlist("assignment"))
    query = _carried(request)
    reason = request.POST.get("reason", "") if request.POST.get("confirm") == "on" else ""
    try:
        done = desk.items_complete(
            actor=request.user, period=period, assignment_ids=ids, reason=reason
        )
        messages.success(request, _("Đã đánh dấu hoàn thành %(n)s mục.") % {"n": len(done)})
    except desk.UnscoredItemsError as exc:
        messages.error(request, _text(exc))
        return _queue_page(
            request, period, params=QueryDict(query), refusal={"error": exc, "ids": ids}
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    except PermissionDenied:
        raise Http404 from None
    return redirect(_queue_url(year, query))


# --- an item: one field of one dossier ------------------------------------------------------


def _field_context(request, assessment, field_code: str) -> dict:
    period = assessment.period
    stage = progress.open_stage(period)
    field_node, rows = selectors.field_rows(
        assessment=assessment, field_code=field_code, stage=stage
    )
    item = workflow.Item(assessment, field_node, stage)
    if not request.user.has_perm("appraisal.view_item", item):
        raise Http404
    assignment = Assignment.objects.filter(
        period_id=assessment.period_id,
        unit_id=assessment.unit_id,
        field=field_node,
        appraiser=request.user,
    ).first()
    unscored = []
    if assignment is not None:
        (mine,) = progress.item_progress(
            period=period,
            assignments=Assignment.objects.filter(pk=assignment.pk),
            viewer=request.user,
            warnings=False,
        ).rows
        unscored = mine.unscored
    threads = notes.threads_of(
        actor=request.user, assessment=assessment, criteria=[r.criterion for r in rows]
    )
    for row in rows:
        row.notes = threads.get(row.criterion.pk)
        row.can_note = row.notes is not None and not period.is_frozen
    query = _carried(request)
    before, after = (None, None)
    if assignment is not None:
        before, after = progress.item_neighbours(
            actor=request.user,
            period=period,
            assessment_id=assessment.pk,
            field_code=field_code,
            params=QueryDict(query),
        )
    editable = request.user.has_perm("appraisal.score_item", item)
    return {
        "assessment": assessment,
        "period": period,
        "field": field_node,
        "rows": rows,
        "stage": stage,
        "stage_label": Stage(stage).label,
        "editable": editable,
        "can_flag": stage == Stage.ROUND1,
        "assignment": assignment,
        "done": bool(assignment and getattr(assignment, progress.done_field(stage))),
        "unscored": unscored,
        "keepable": editable
        and any(
            r.self_score
            and r.self_score.value is not None
            and not r.exemption
            and (r.score is None or (not r.differs and r.score.updated_by_id is None))
            for r in rows
        ),
        "query": query,
        "carry": urlencode({"hang-doi": query}) if query else "",
        "queue_url": _queue_url(period.year, query),
        "before": before,
        "after": after,
    }


@login_required
@require_safe
def field_page(request, assessment_id: int, field_code: str):
    """One field of one dossier: per leaf its guidance and method, the unit's score,
    explanation and evidence with its cards, the round's score, comment and flag, the
    working group's notes."""
    assessment = selectors.assessment_get(
        actor=request.user, assessment_id=assessment_id, perm="scoring.view_assessment"
    )
    return render(request, "appraisal/field.html", _field_context(request, assessment, field_code))


def _leaf_section(request, item, *, status=200, saved="", error="", stale="", posted=""):
    """The leaf's section alone (htmx), with the confirmation or the refusal beside it."""
    context = _field_context(request, item.assessment, item.criterion.field_code)
    row = next((r for r in context["rows"] if r.criterion.pk == item.criterion.pk), None)
    if row is None:
        raise Http404
    context.update(
        {
            "row": row,
            "saved_message": saved,
            "error_message": error,
            "stale_id": item.criterion.pk if stale else None,
            "stale_message": stale,
            "posted_summary": posted,
        }
    )
    return render(request, "appraisal/_leaf.html", context, status=status)


def _posted_summary(request) -> str:
    return "; ".join(
        f"{k}={v}"
        for k, v in request.POST.items()
        if v and k not in ("csrfmiddlewaretoken", "version", "action", "hang-doi")
    )


@login_required
@require_POST
def leaf_save(request, assessment_id: int, criterion_id: int):
    """Save a leaf's score at the open round, keep the unit's own (`action=keep`), or
    propose / withdraw an exemption. From the page (htmx) the leaf's section comes back
    with the confirmation beside it; a colleague's save in between is answered 409 with the
    current value and what was entered: nothing is lost silently."""
    item = selectors.item_get(
        actor=request.user, assessment_id=assessment_id, criterion_id=criterion_id
    )
    action = request.POST.get("action", "save")
    wants_json = "application/json" in request.headers.get("Accept", "")
    htmx = _is_htmx(request)
    code = item.criterion.code
    try:
        if action == "exempt":
            services.appraisal_exemption_set(
                actor=request.user,
                assessment=item.assessment,
                criterion=item.criterion,
                stage=item.stage,
                reason=request.POST.get("reason", ""),
            )
            done = _("%(code)s: đã đề nghị giảm trừ.") % {"code": code}
        elif action == "unexempt":
            services.appraisal_exemption_withdraw(
                actor=request.user,
                assessment=item.assessment,
                criterion=item.criterion,
                stage=item.stage,
            )
            done = _("%(code)s: đã rút giảm trừ.") % {"code": code}
        elif action == "keep":
            saved = desk.self_score_keep(
                actor=request.user,
                assessment=item.assessment,
                criterion=item.criterion,
                stage=item.stage,
                expected_version=_version(request),
            )
            done = _("%(code)s: đã giữ điểm tự chấm (%(value)s).") % {
                "code": code,
                "value": engine.vn_number(saved.value),
            }
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
            done = _("%(code)s: đã lưu.") % {"code": code}
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
        if htmx:
            return _leaf_section(
                request, item, status=409, stale=detail, posted=_posted_summary(request)
            )
        context = _field_context(request, item.assessment, item.criterion.field_code)
        context.update(
            {
                "stale_id": item.criterion.pk,
                "stale_message": detail,
                "posted_summary": _posted_summary(request),
            }
        )
        return render(request, "appraisal/field.html", context, status=409)
    except (engine.ScoringInputError, ValidationError) as exc:
        if wants_json:
            return JsonResponse({"detail": _text(exc)}, status=400)
        if htmx:
            return _leaf_section(request, item, status=400, error=_text(exc))
        messages.error(request, f"{code}: {_text(exc)}")
        return redirect(
            _field_url(
                item.assessment.pk,
                item.criterion.field_code,
                _carried(request),
                f"leaf-{criterion_id}",
            )
        )
    when = timezone.localtime().strftime("%H:%M")
    if htmx:
        return _leaf_section(request, item, saved=f"{done} ({when})")
    messages.success(request, done)
    return redirect(
        _field_url(
            item.assessment.pk, item.criterion.field_code, _carried(request), f"leaf-{criterion_id}"
        )
    )


@login_required
@require_POST
def field_keep(request, assessment_id: int, field_code: str):
    """Keep the unit's own score on every leaf of the field not changed yet (each audited
    as accepted)."""
    assessment = selectors.assessment_get(
        actor=request.user, assessment_id=assessment_id, perm="scoring.view_assessment"
    )
    stage = progress.open_stage(assessment.period)
    field_node = Criterion.objects.filter(
        period_id=assessment.period_id, code=field_code, parent__isnull=True
    ).first()
    if field_node is None or not request.user.has_perm(
        "appraisal.view_item", workflow.Item(assessment, field_node, stage)
    ):
        raise Http404
    try:
        outcome = desk.self_scores_keep_unchanged(
            actor=request.user, assessment=assessment, field_node=field_node, stage=stage
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        if outcome.kept:
            text = _("Đã giữ điểm tự chấm của %(n)s tiêu chí: %(codes)s.") % {
                "n": len(outcome.kept),
                "codes": ", ".join(outcome.kept),
            }
        else:
            text = _("Không còn tiêu chí nào chưa thay đổi để giữ điểm tự chấm.")
        if outcome.changed:
            text += " " + _("Các tiêu chí đã thay đổi giữ nguyên: %(codes)s.") % {
                "codes": ", ".join(outcome.changed)
            }
        if outcome.unscored:
            text += " " + _("Đơn vị chưa tự chấm: %(codes)s.") % {
                "codes": ", ".join(outcome.unscored)
            }
        messages.success(request, text)
    return redirect(_field_url(assessment.pk, field_code, _carried(request)))


@login_required
@require_POST
def assignment_done(request, assignment_id: int):
    """One item done (from its page or the queue); unscored leaves need the confirmation
    and a reason."""
    assignment = get_object_or_404(Assignment, pk=assignment_id, appraiser=request.user)
    period = assignment.period
    reason = request.POST.get("reason", "") if request.POST.get("confirm") == "on" else ""
    try:
        desk.items_complete(
            actor=request.user, period=period, assignment_ids=[assignment.pk], reason=reason
        )
        messages.success(request, _("Đã đánh dấu hoàn thành."))
    except ValidationError as exc:
        messages.error(request, _text(exc))
    except PermissionDenied:
        raise Http404 from None
    return redirect(_safe_next(request, _queue_url(period.year, _carried(request))))


# --- cross-checks ---------------------------------------------------------------------------


def _next_cross_check(actor, period, after: CrossCheck) -> CrossCheck | None:
    return (
        CrossCheck.objects.filter(assessment__period=period, checker=actor, decided_at__isnull=True)
        .exclude(pk=after.pk)
        .order_by("requested_at", "id")
        .first()
    )


@login_required
def cross_check(request, cross_check_id: int):
    """A cross-check given to the member; after a decision the next one opens (or the queue
    when none is left)."""
    check = selectors.cross_check_get(actor=request.user, cross_check_id=cross_check_id)
    assessment = check.assessment
    period = assessment.period
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
            following = _next_cross_check(request.user, period, check)
            if following is None:
                messages.success(
                    request, _("Đã kết luận thẩm định chéo. Không còn mục nào đang chờ bạn.")
                )
                return redirect("appraisal_queue", year=period.year)
            messages.success(
                request,
                _("Đã kết luận thẩm định chéo. Mục tiếp theo: %(unit)s — %(code)s.")
                % {"unit": following.assessment.unit.name, "code": following.criterion.code},
            )
            return redirect("appraisal_cross_check", cross_check_id=following.pk)
        except (engine.ScoringInputError, ValidationError, services.StaleVersionError) as exc:
            messages.error(request, _text(exc))
        except PermissionDenied:
            raise Http404 from None
    _field, rows = selectors.field_rows(
        assessment=assessment, field_code=check.criterion.field_code, stage=check.stage
    )
    row = next((r for r in rows if r.criterion.pk == check.criterion_id), None)
    waiting = progress.cross_checks_open(actor=request.user, period=period)
    if row is not None:
        row.notes = notes.threads_of(
            actor=request.user, assessment=assessment, criteria=[row.criterion]
        ).get(row.criterion.pk)
        row.can_note = row.notes is not None and not period.is_frozen
    return render(
        request,
        "appraisal/cross_check.html",
        {
            "check": check,
            "row": row,
            "exemption": selectors.exemption_of(check=check),
            "assessment": assessment,
            "period": period,
            "waiting": len([c for c in waiting if c.pk != check.pk]),
        },
    )


# --- the working group's notes --------------------------------------------------------------


@login_required
@require_POST
def note_add(request, assessment_id: int, criterion_id: int):
    """A note of the working group on a leaf (text and/or one file); from the page (htmx)
    the thread comes back with it."""
    assessment, criterion = selectors.dossier_node_get(
        assessment_id=assessment_id, criterion_id=criterion_id
    )
    if not notes.may_read_notes(request.user, assessment, criterion):
        raise Http404
    error = ""
    try:
        notes.note_add(
            actor=request.user,
            assessment=assessment,
            criterion=criterion,
            text=request.POST.get("text", ""),
            uploaded_file=request.FILES.get("file"),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        error = _text(exc)
    if _is_htmx(request):
        thread = notes.threads_of(actor=request.user, assessment=assessment, criteria=[criterion])
        return render(
            request,
            "appraisal/_notes.html",
            {
                "assessment": assessment,
                "criterion": criterion,
                "thread": thread.get(criterion.pk, []),
                "note_error": error,
                "note_saved": "" if error else _("Đã gửi ghi chú."),
                "can_note": request.user.has_perm(
                    "appraisal.add_note",
                    workflow.Item(assessment, criterion, progress.open_stage(assessment.period)),
                ),
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, f"{criterion.code}: {error}")
    else:
        messages.success(request, _("%(code)s: đã gửi ghi chú.") % {"code": criterion.code})
    fallback = _field_url(assessment.pk, criterion.field_code, anchor=f"leaf-{criterion.pk}")
    return redirect(_safe_next(request, fallback))


@login_required
@require_safe
def note_file(request, attachment_id: int):
    attachment = notes.note_attachment_get(actor=request.user, attachment_id=attachment_id)
    return file_response(attachment, inline=False)


# --- the secretariat: assignments, the suggestion, progress ----------------------------------


@login_required
def assignments(request, year: int):
    """Assignments: the list (filtered) with its warnings, reassigning several at once, a
    field for a whole group, and the CSV import."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    if request.method == "POST":
        if not request.user.has_perm("appraisal.manage_cycle", period):
            raise Http404
        _assignments_post(request, period)
        return redirect(
            reverse("appraisal_assignments", args=[year])
            + (f"?{request.POST['filters']}" if request.POST.get("filters") else "")
        )
    rows = list(selectors.assignments_list(period=period))
    field_code = request.GET.get("linh-vuc", "")
    unit_code = request.GET.get("don-vi", "")
    member = request.GET.get("thanh-vien", "")
    shown = [
        a
        for a in rows
        if (not field_code or a.field.code == field_code)
        and (not unit_code or a.unit.code == unit_code)
        and (not member or a.appraiser.username == member)
    ]
    warnings = assigning.assignment_warnings(period=period, assignments=rows)
    for a in shown:
        a.warnings = warnings.get(a.pk, [])
    return render(
        request,
        "appraisal/assignments.html",
        {
            "period": period,
            "assignments": shown,
            "total": len(rows),
            "warned": len(warnings),
            "fields": Criterion.objects.filter(period=period, parent__isnull=True),
            "groups": Group.objects.filter(periods__period=period),
            "units": sorted({a.unit.pk: a.unit for a in rows}.values(), key=lambda u: u.code),
            "members": selectors.team_load(period=period),
            "filters": {"linh_vuc": field_code, "don_vi": unit_code, "thanh_vien": member},
            "query": urlencode(
                [
                    (k, v)
                    for k, v in (
                        ("linh-vuc", field_code),
                        ("don-vi", unit_code),
                        ("thanh-vien", member),
                    )
                    if v
                ]
            ),
            "can_manage": request.user.has_perm("appraisal.manage_cycle", period),
        },
    )


def _warn(request, period, changed) -> None:
    warnings = assigning.assignment_warnings(period=period, assignments=changed)
    for a in changed:
        for text in warnings.get(a.pk, []):
            messages.warning(
                request,
                _("Lưu ý: %(unit)s × %(field)s giao cho %(user)s — %(what)s.")
                % {"unit": a.unit.code, "field": a.field.code, "user": a.appraiser, "what": text},
            )


def _assignments_post(request, period) -> None:
    action = request.POST.get("action", "")
    try:
        if request.FILES.get("csv_file"):
            raw = request.FILES["csv_file"].read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("Tệp CSV phải mã hóa UTF-8.")) from None
            count = services.assignments_import(actor=request.user, period=period, text=text)
            messages.success(request, _("Đã nhập %(n)s dòng phân công.") % {"n": count})
            _warn(request, period, list(selectors.assignments_list(period=period)))
        elif action == "reassign":
            appraiser = User.objects.filter(username=request.POST.get("appraiser", "")).first()
            if appraiser is None:
                raise ValidationError(_("Hãy chọn thành viên nhận các mục."))
            done = assigning.assignments_reassign(
                actor=request.user,
                period=period,
                assignment_ids=_ids(request.POST.getlist("assignment")),
                appraiser=appraiser,
            )
            messages.success(
                request,
                _("Đã giao lại %(n)s mục cho %(user)s.") % {"n": len(done), "user": appraiser},
            )
            _warn(request, period, done)
        else:
            field = Criterion.objects.filter(
                period=period, parent__isnull=True, code=request.POST.get("field", "")
            ).first()
            group = Group.objects.filter(code=request.POST.get("group", "")).first()
            appraiser = User.objects.filter(username=request.POST.get("appraiser", "")).first()
            if field is None or group is None or appraiser is None:
                raise ValidationError(_("Hãy chọn lĩnh vực, khối và thành viên."))
            done = services.assignment_bulk_set(
                actor=request.user, period=period, field=field, group=group, appraiser=appraiser
            )
            messages.success(request, _("Đã phân công %(n)s đơn vị.") % {"n": len(done)})
            _warn(request, period, done)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)


@login_required
def assignments_suggest(request, year: int):
    """The suggested assignment by expertise (a preview); POST applies it."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.manage_cycle")
    mode = request.POST.get("mode") or request.GET.get("mode") or assigning.MODE_UNASSIGNED
    if request.method == "POST":
        try:
            count = assigning.assignment_plan_apply(actor=request.user, period=period, mode=mode)
            if count:
                messages.success(request, _("Đã áp dụng đề xuất: %(n)s mục.") % {"n": count})
            else:
                messages.info(request, _("Đề xuất không thay đổi mục nào."))
        except ValidationError as exc:
            messages.error(request, _text(exc))
        except PermissionDenied:
            raise Http404 from None
        return redirect("appraisal_assignments", year=year)
    if request.method not in ("GET", "HEAD"):
        raise Http404
    return render(
        request,
        "appraisal/assignments_suggest.html",
        {
            "period": period,
            "plan": assigning.assignment_plan(period=period, mode=mode),
            "modes": assigning.MODES,
            "can_apply": request.user.has_perm("appraisal.change_cycle", period),
        },
    )


@login_required
@require_safe
def progress_page(request, year: int):
    """Progress per member and per unit at the round: done / total, overdue, cross-checks."""
    period = selectors.period_get(actor=request.user, year=year, perm="appraisal.view_cycle")
    data = progress.item_progress(
        period=period, assignments=Assignment.objects.filter(period=period), warnings=False
    )
    by_member, by_unit = {}, {}
    for row in data.rows:
        by_member.setdefault(row.assignment.appraiser_id, []).append(row)
        by_unit.setdefault(row.unit.pk, []).append(row)
    open_checks = {}
    for checker_id in CrossCheck.objects.filter(
        assessment__period=period, decided_at__isnull=True, checker__isnull=False
    ).values_list("checker_id", flat=True):
        open_checks[checker_id] = open_checks.get(checker_id, 0) + 1
    stage = progress.open_stage(period)
    members = [
        {
            "user": rows[0].assignment.appraiser,
            "total": len(rows),
            "done": sum(r.done for r in rows),
            "overdue": sum(r.overdue for r in rows),
            "unscored": sum(bool(r.unscored) for r in rows),
            "cross_checks": open_checks.get(user_id, 0),
        }
        for user_id, rows in by_member.items()
    ]
    members.sort(key=lambda m: m["user"].username)
    units = [
        {
            "unit": rows[0].unit,
            "dossier": rows[0].dossier_label,
            "total": len(rows),
            "done": sum(r.done for r in rows),
            "overdue": sum(r.overdue for r in rows),
            "leaves": sum(r.leaves for r in rows),
            "scored": sum(r.scored for r in rows),
        }
        for rows in by_unit.values()
    ]
    units.sort(key=lambda u: (u["unit"].group.order, u["unit"].order, u["unit"].code))
    return render(
        request,
        "appraisal/progress.html",
        {
            "period": period,
            "stage_label": Stage(stage).label,
            "round_open": workflow.rules_of(period.phase).appraiser_scores is not None,
            "round_end": progress.round_end(period, stage),
            "members": members,
            "units": units,
            "total": len(data.rows),
            "done": sum(r.done for r in data.rows),
            "overdue": sum(r.overdue for r in data.rows),
        },
    )
