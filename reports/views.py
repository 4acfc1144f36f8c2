"""Report pages, file exports with a progress bar, open data. Views parse, check, call one
selector or service, render; every refusal is the same 404 as a missing object."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from parindex.throttle import retry_after_seconds
from scoring import selectors as scoring_selectors
from scoring.enums import Band
from scoring.models import Assessment, Period
from scoring.results_io import results_csv
from scoring.workflow import UnitYear
from units.models import Unit
from units.rules import unit_ids_of

from . import selectors, services
from .bundle import bundle_filename, bundle_stream
from .charts import short_labels
from .documents import plan_document, province_document, scorecard_document
from .enums import (
    DOCUMENT_FORMATS,
    DOCUMENT_KINDS,
    PROVINCE_DOCUMENT_KINDS,
    TABLE_FORMATS,
    UNIT_DOCUMENT_KINDS,
    DocumentTarget,
    FileFormat,
    JobStatus,
    ReportKind,
)
from .exports import document_html_context
from .forms import (
    ALL_UNITS,
    ApplyInputsForm,
    DocumentIssueForm,
    DocumentSettingsForm,
    ImprovementItemFormSet,
    IndexRunForm,
    InputsUploadForm,
)
from .models import DocumentSettings
from .rules import BUNDLE

SLUG_KIND = {
    "cong-bo": ReportKind.PUBLISHED,
    "phan-tich-tieu-chi": ReportKind.CRITERIA,
    "tu-danh-gia": ReportKind.SELF_GAP,
    "trach-nhiem": ReportKind.FLAGS,
}
KIND_SLUG = {kind: slug for slug, kind in SLUG_KIND.items()}
CONTENT_TYPES = {
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _kind(slug: str) -> str:
    if slug not in SLUG_KIND:
        raise Http404
    return SLUG_KIND[slug]


def _format(value: str) -> str:
    if value not in TABLE_FORMATS:
        raise Http404
    return value


def _file_response(content: bytes, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _may_see_documents(user, period, own_units) -> bool:
    """Whether the year's documents page has something for the user (same rules as the page)."""
    if user.has_perm("reports.view_year_documents", period) or user.has_perm(
        "reports.view_document", DocumentTarget(period, ReportKind.YEAR_REPORT)
    ):
        return True
    return any(
        user.has_perm("reports.view_document", DocumentTarget(period, kind, unit))
        for unit in own_units
        for kind in UNIT_DOCUMENT_KINDS
    )


@login_required
@require_safe
def report_index(request):
    """The reports the user may open, per year."""
    periods = list(Period.objects.order_by("-year")[:10])
    units = list(Unit.objects.filter(pk__in=unit_ids_of(request.user)))
    rows = []
    for period in periods:
        own_units = [
            unit
            for unit in units
            if request.user.has_perm("reports.view_scorecard", UnitYear(unit, period))
        ]
        links = [
            (slug, ReportKind(kind).label)
            for slug, kind in SLUG_KIND.items()
            if request.user.has_perm(selectors.KIND_PERM[kind], period)
        ]
        rows.append(
            {
                "period": period,
                "links": links,
                "own_units": own_units,
                "secretariat": request.user.has_perm("scoring.manage_period", period),
                "documents": _may_see_documents(request.user, period, own_units),
            }
        )
    return render(request, "reports/index.html", {"rows": rows})


@require_safe
def province_report(request, year: int, slug: str):
    """A province-wide report page (published report public once published)."""
    kind = _kind(slug)
    period = selectors.period_get(actor=request.user, year=year, perm=selectors.KIND_PERM[kind])
    document = province_document(kind, period)
    context = document_html_context(document)
    context.update(
        period=period,
        formats=TABLE_FORMATS,
        export_url=(
            reverse("reports:export", args=[year, slug]) if request.user.is_authenticated else None
        ),
    )
    return render(request, "reports/document.html", context)


def _builds_refused(request):
    """None while the user may build another report file this hour, else the 429 page."""
    at = services.report_build_take(actor=request.user)
    if at is None:
        return None
    response = render(
        request,
        "429.html",
        {"message": services.report_build_refused_message(at)},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds(at))
    return response


@login_required
@require_POST
def report_export(request, year: int, slug: str):
    """Queue the report's XLSX or PDF and go to its progress page (signed-in users only,
    REPORT_BUILDS_PER_HOUR each)."""
    kind = _kind(slug)
    period = selectors.period_get(actor=request.user, year=year, perm=selectors.KIND_PERM[kind])
    file_format = _format(request.POST.get("format", ""))
    if refused := _builds_refused(request):
        return refused
    report_file = services.report_file_request(
        actor=request.user,
        kind=kind,
        file_format=file_format,
        period=period,
    )
    return redirect("reports:file", report_file.pk)


@require_safe
def report_file_page(request, pk: int):
    report_file = selectors.report_file_get(actor=request.user, report_file_id=pk)
    year = report_file.period.year
    if report_file.kind in DOCUMENT_KINDS:
        back_url = reverse("reports:documents", args=[year])
    else:
        back_url = reverse("reports:report", args=[year, KIND_SLUG[report_file.kind]])
    return render(request, "reports/file.html", {"report_file": report_file, "back_url": back_url})


@require_GET
def report_file_status(request, pk: int):
    """The small JSON the progress bar polls every second."""
    report_file = selectors.report_file_get(actor=request.user, report_file_id=pk)
    done = report_file.status == JobStatus.DONE
    return JsonResponse(
        {
            "status": report_file.status,
            "progress": report_file.progress,
            "error": report_file.error,
            "download_url": reverse("reports:file_download", args=[pk]) if done else None,
        }
    )


@require_safe
def report_file_download(request, pk: int):
    report_file = selectors.report_file_get(actor=request.user, report_file_id=pk)
    if report_file.status != JobStatus.DONE or not report_file.file_key:
        raise Http404
    return FileResponse(
        default_storage.open(report_file.file_key, "rb"),
        as_attachment=True,
        filename=report_file.file_key.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[report_file.file_format],
    )


# --- one unit ----------------------------------------------------------------------------


@login_required
@require_safe
def scorecard(request, year: int, unit_code: str):
    target = selectors.unit_year_get(actor=request.user, year=year, code=unit_code)
    unit, period = target.unit, target.period
    document = scorecard_document(selectors.unit_scorecard(period=period, unit=unit))
    context = document_html_context(document)
    context["download_links"] = [
        {
            "url": reverse("reports:scorecard_file", args=[year, unit.code, fmt]),
            "label": _("Tải %(f)s") % {"f": fmt.upper()},
        }
        for fmt in TABLE_FORMATS
    ]
    context["plan_url"] = reverse("reports:plan", args=[year, unit.code])
    return render(request, "reports/scorecard.html", context)


@login_required
@require_safe
def scorecard_file(request, year: int, unit_code: str, file_format: str):
    target = selectors.unit_year_get(actor=request.user, year=year, code=unit_code)
    unit, period = target.unit, target.period
    file_format = _format(file_format)
    if file_format == FileFormat.PDF and (refused := _builds_refused(request)):
        return refused
    document = scorecard_document(selectors.unit_scorecard(period=period, unit=unit))
    return _file_response(
        services.document_bytes(document, file_format), document.filename, file_format
    )


@login_required
def improvement_plan(request, year: int, unit_code: str):
    """Draft (POST action=draft), then edit the rows of the unit's improvement plan."""
    target = selectors.unit_year_get(
        actor=request.user, year=year, code=unit_code, perm="reports.view_improvement_plan"
    )
    unit, period = target.unit, target.period
    plan = selectors.improvement_plan_find(period=period, unit=unit)
    formset = None
    can_edit = request.user.has_perm("reports.edit_improvement_plan", target)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "draft":
        services.improvement_plan_draft(actor=request.user, period=period, unit=unit)
        messages.success(request, _("Đã soạn dự thảo kế hoạch từ các tiêu chí bị trừ điểm."))
        return redirect("reports:plan", year, unit.code)
    if plan is not None:
        formset = ImprovementItemFormSet(request.POST or None, instance=plan)
        if request.method == "POST" and formset.is_valid():
            services.improvement_plan_save(actor=request.user, plan=plan, formset=formset)
            messages.success(request, _("Đã lưu kế hoạch khắc phục."))
            return redirect("reports:plan", year, unit.code)
    return render(
        request,
        "reports/plan.html",
        {
            "period": period,
            "unit": unit,
            "plan": plan,
            "formset": formset,
            "formats": TABLE_FORMATS,
            "can_edit": can_edit,
        },
    )


@login_required
@require_safe
def improvement_plan_file(request, year: int, unit_code: str, file_format: str):
    target = selectors.unit_year_get(
        actor=request.user, year=year, code=unit_code, perm="reports.view_improvement_plan"
    )
    plan = selectors.improvement_plan_find(period=target.period, unit=target.unit)
    if plan is None:
        raise Http404
    file_format = _format(file_format)
    if file_format == FileFormat.PDF and (refused := _builds_refused(request)):
        return refused
    document = plan_document(plan, list(plan.items.all()))
    return _file_response(
        services.document_bytes(document, file_format), document.filename, file_format
    )


# --- the secretariat ---------------------------------------------------------------------


@login_required
def index_runs(request, year: int):
    """Run the index job for a stage and follow its runs (status, progress, hash, error)."""
    period = selectors.period_get(actor=request.user, year=year, perm="scoring.manage_period")
    form = IndexRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.index_run_request(
                actor=request.user, period=period, stage=form.cleaned_data["stage"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã gửi yêu cầu tính chỉ số."))
        return redirect("reports:index_runs", year)
    return render(
        request,
        "reports/index_runs.html",
        {
            "period": period,
            "form": form,
            "runs": selectors.index_run_list(period=period),
        },
    )


@login_required
def inputs_upload(request, year: int):
    """Import SIPAS or dossier statistics; then write the survey leaves at a stage."""
    period = selectors.period_get(actor=request.user, year=year, perm="scoring.manage_period")
    form = InputsUploadForm(prefix="up")
    apply_form = ApplyInputsForm(prefix="apply")
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "apply":
        apply_form = ApplyInputsForm(request.POST, prefix="apply")
        if apply_form.is_valid():
            try:
                count = services.external_inputs_apply(
                    period=period, stage=apply_form.cleaned_data["stage"], actor=request.user
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("Đã ghi %(n)s điểm tiêu chí khảo sát.") % {"n": count})
                return redirect("reports:inputs", year)
    elif request.method == "POST":
        form = InputsUploadForm(request.POST, request.FILES, prefix="up")
        if form.is_valid():
            service = (
                services.sipas_import
                if form.cleaned_data["kind"] == form.SIPAS
                else services.dossier_stats_import
            )
            upload = form.cleaned_data["file"]
            try:
                summary = service(
                    actor=request.user, period=period, content=upload.read(), filename=upload.name
                )
            except services.ImportRowsError as error:
                errors = error.errors
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("Đã nhập %(n)s dòng.") % {"n": summary.rows})
                return redirect("reports:inputs", year)
    return render(
        request,
        "reports/inputs.html",
        {
            "period": period,
            "form": form,
            "apply_form": apply_form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_safe
def dashboard(request):
    """The current year's dashboard: the province's staff of that year."""
    if not request.user.has_perm("reports.view_dashboard", scoring_selectors.period_current()):
        raise Http404
    data = selectors.dashboard()
    chart = None
    if data["report"]:
        names = [u["unit_name"] for u in data["report"]["units"]]
        band_counts = data["report"]["overall"]["band_counts"]
        chart = {
            "ranking": {
                # Short labels never read alike; the tooltip shows the whole name.
                "labels": short_labels(names),
                "labels_narrow": short_labels(names, limit=24),  # a phone's width
                "names": names,
                "values": [u["index"] for u in data["report"]["units"]],
                "bands": [u["band"] for u in data["report"]["units"]],
            },
            "bands": {
                "codes": list(band_counts),
                "labels": [str(Band(code).label) for code in band_counts],
                "values": list(band_counts.values()),
            },
        }
    return render(request, "reports/dashboard.html", {**data, "chart": chart})


# --- open data ---------------------------------------------------------------------------


def _open_report(request, year: int) -> dict:
    period = scoring_selectors.period_get(
        actor=request.user, year=year, perm="reports.view_open_data"
    )
    report = scoring_selectors.results_report(period=period)
    if not report["units"]:
        raise Http404
    return report


@require_safe
def open_data_json(request, year: int):
    return JsonResponse(_open_report(request, year), json_dumps_params={"ensure_ascii": False})


@require_safe
def open_data_csv(request, year: int):
    response = HttpResponse(
        results_csv(_open_report(request, year)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="chi-so-cchc-{year}.csv"'
    return response


# --- official documents (Decree 30) ------------------------------------------------------


def _period_of_year(year: int) -> Period:
    """The year's period (the rules are asked about it next); a missing year is a 404."""
    period = Period.objects.filter(year=year).first()
    if period is None:
        raise Http404
    return period


def _unit_of_code(code: str) -> Unit:
    unit = Unit.objects.select_related("group").filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _document_format(request) -> str:
    """The format asked for; Word when none is given (as the command)."""
    value = request.POST.get("format") or FileFormat.DOCX
    if value not in DOCUMENT_FORMATS:
        raise Http404
    return value


def _issue_forms(data: dict, post=None, kind: str | None = None) -> dict:
    """The numbering forms of the page: the year's report, and per-unit documents."""
    letters = [row["unit"] for row in data["units"] if row["letter"]]
    notices = [row["unit"] for row in data["units"] if row["notice"]]
    units_of = {
        ReportKind.YEAR_REPORT: [],
        ReportKind.SUPPLEMENT_REQUEST: letters,
        ReportKind.UNIT_NOTICE: notices,
    }
    return {
        k: DocumentIssueForm(
            post if k == kind else None, units=units_of[k], prefix=k.replace("-", "_")
        )
        for k in units_of
    }


@login_required
@require_safe
def documents(request, year: int):
    """The year's official documents the user may get, in Word or PDF; numbering for the
    secretariat. Nothing to show is the same 404 as a missing year."""
    period = _period_of_year(year)
    data = selectors.documents_overview(actor=request.user, period=period)
    if not (data["province"] or data["units"] or data["can_issue"]):
        raise Http404
    context = {**data, "formats": DOCUMENT_FORMATS, "kinds": ReportKind}
    if data["can_issue"]:
        context["issue_forms"] = _issue_forms(data)
    return render(request, "reports/documents.html", context)


@require_POST
@login_required
def document_build(request, year: int, kind: str):
    """Queue the year's report or the decision as DOCX or PDF; go to its progress page."""
    if kind not in PROVINCE_DOCUMENT_KINDS:
        raise Http404
    period = _period_of_year(year)
    selectors.document_target_get(actor=request.user, period=period, kind=kind)
    if refused := _builds_refused(request):
        return refused
    report_file = services.report_file_request(
        actor=request.user, kind=kind, file_format=_document_format(request), period=period
    )
    return redirect("reports:file", report_file.pk)


@require_POST
@login_required
def unit_document_build(request, year: int, unit_code: str, kind: str):
    """Queue a unit's supplement letter or notice of results; go to its progress page."""
    if kind not in UNIT_DOCUMENT_KINDS:
        raise Http404
    period = _period_of_year(year)
    unit = _unit_of_code(unit_code)
    selectors.document_target_get(actor=request.user, period=period, kind=kind, unit=unit)
    if refused := _builds_refused(request):
        return refused
    report_file = services.report_file_request(
        actor=request.user,
        kind=kind,
        file_format=_document_format(request),
        period=period,
        params={"unit": unit.code},
    )
    return redirect("reports:file", report_file.pk)


@require_POST
@login_required
def document_issue(request, year: int, kind: str):
    """Record the number and date of a document (or of every unit's, numbered in order)."""
    period = _period_of_year(year)
    if not request.user.has_perm("reports.issue_document", period):
        raise Http404
    if kind not in services.ISSUABLE_KINDS:
        raise Http404
    data = selectors.documents_overview(actor=request.user, period=period)
    form = _issue_forms(data, request.POST, kind)[kind]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:documents", year)
    code = form.cleaned_data["unit"]
    choices = dict(form.fields["unit"].choices)
    if kind in UNIT_DOCUMENT_KINDS:
        if code == ALL_UNITS:
            units = [_unit_of_code(c) for c in choices if c not in ("", ALL_UNITS)]
        elif code:
            units = [_unit_of_code(code)]
        else:
            units = []
    else:
        units = []
    try:
        issued = services.document_issue(
            actor=request.user,
            period=period,
            kind=kind,
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
            units=units or None,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã cấp số cho %(n)s văn bản: %(list)s.")
            % {"n": len(issued), "list": ", ".join(str(i) for i in issued[:5])},
        )
    return redirect("reports:documents", year)


@login_required
@require_http_methods(["GET", "POST"])
def document_settings(request):
    """The province's details printed on its documents (every save is kept with who/when)."""
    if not request.user.has_perm("reports.edit_document_settings"):
        raise Http404

    current = selectors.document_settings_current()
    form = DocumentSettingsForm(request.POST or None, initial=model_to_dict(current))
    if request.method == "POST" and form.is_valid():
        services.document_settings_save(actor=request.user, values=form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin trên văn bản."))
        return redirect("reports:document_settings")

    history = DocumentSettings.objects.select_related("saved_by")[:10]
    return render(
        request,
        "reports/document_settings.html",
        {"form": form, "history": history},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def unit_bundle(request, year: int, unit_code: str):
    """A unit's dossier bundle, streamed as a ZIP (memory flat in the number of files)."""
    period = _period_of_year(year)
    unit = _unit_of_code(unit_code)
    if not request.user.has_perm("reports.download_bundle", DocumentTarget(period, BUNDLE, unit)):
        raise Http404
    assessment = (
        Assessment.objects.select_related("period", "unit", "unit__group")
        .filter(period=period, unit=unit)
        .first()
    )
    if assessment is None:
        raise Http404
    response = StreamingHttpResponse(
        bundle_stream(
            actor=request.user,
            assessment=assessment,
            show_names=request.user.has_perm("reports.view_year_documents", period),
        ),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{bundle_filename(assessment)}"'
    return response
