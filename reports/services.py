"""Writes of reports: the index job's record, report files, improvement plans, outside inputs.

Each service is keyword-only. Background work is queued with `transaction.on_commit`, so a
task never runs for a row that was rolled back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.throttle import quota_take, retry_when
from scoring import engine
from scoring.enums import AuditAction, Method, Stage
from scoring.models import Assessment, Criterion, Period
from scoring.selectors import criteria_leaves
from scoring.services import (
    PublishedYearError,
    audit_record,
    leaf_score_write,
    results_compute,
)
from scoring.tabular import Header, TableError, line_error, table_read
from scoring.workflow import UnitYear
from units.models import Unit

from . import selectors
from .documents import province_document
from .enums import DOCUMENT_KINDS, UNIT_DOCUMENT_KINDS, FileFormat, JobStatus, ReportKind
from .exports import document_pdf, document_xlsx
from .models import (
    DocumentIssue,
    DocumentSettings,
    DossierStats,
    ImprovementItem,
    ImprovementPlan,
    IndexRun,
    ReportFile,
)
from .official.builders import official_document
from .official.docx import docx_bytes
from .official.pdf import pdf_bytes

logger = logging.getLogger(__name__)


# --- who may write ----------------------------------------------------------------------


def _require(actor, perm: str, obj=None) -> None:
    """`actor` None is a management command run by an operator (or the system itself)."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied


def refuse_frozen(period: Period) -> None:
    """Nothing of a published (frozen) year changes until the secretariat reopens it."""
    if period.is_frozen:
        raise ValidationError(
            _(
                "Kết quả năm %(year)s đã công bố; Bộ phận thư ký phải mở lại (có ghi lý do) "
                "trước khi thay đổi."
            )
            % {"year": period.year},
            code="frozen",
        )


def _require_secretariat(actor, perm: str, period: Period) -> None:
    """The secretariat of the year (else PermissionDenied), and the year not frozen (else a
    ValidationError the secretariat can read)."""
    if actor is not None and not actor.has_perm("scoring.manage_period", period):
        raise PermissionDenied
    refuse_frozen(period)
    _require(actor, perm, period)


# --- the index job -----------------------------------------------------------------------


@transaction.atomic
def index_run_request(*, actor, period: Period, stage: str = Stage.FINAL) -> IndexRun:
    """Record a run of the index job and queue it once this transaction commits.

    The hook for the appraisal workflow (round closed) and the secretariat's "compute now"
    button: the secretariat of the year, never in a frozen year. Audited.
    """
    from .tasks import index_run_task  # tasks import the services (Celery's pair)

    if actor is not None and not actor.has_perm("scoring.manage_period", period):
        raise PermissionDenied
    if period.is_frozen:
        raise ValidationError(
            _("Kết quả năm %(year)s đã công bố, không thể tính lại.") % {"year": period.year},
            code="frozen",
        )
    _require(actor, "reports.run_index", period)
    Stage(stage)
    run = IndexRun.objects.create(period=period, stage=stage, requested_by=actor)
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.INDEX_RUN,
        stage=stage,
        new={"run": run.pk, "stage": stage},
    )
    transaction.on_commit(lambda: index_run_task.delay(run.pk))
    return run


def index_run_on_round_closed(sender, *, actor, period: Period, stage: str, **kwargs) -> None:
    """A round closed (appraisal.signals.round_closed): its index job, recorded and queued."""
    index_run_request(actor=actor, period=period, stage=stage)


def _index_run_update(run_id: int, **fields) -> None:
    IndexRun.objects.filter(pk=run_id).update(**fields)


def index_run_execute(*, run_id: int) -> IndexRun:
    """Run (or re-run) the index job of a recorded run; safe to run twice.

    Not one transaction on purpose: "running" and the progress must be visible while the
    computation (itself atomic) works. A run already done is left as it is; a run left
    "running" by a crashed worker (acks_late redelivers it) is simply recomputed, since
    results_compute replaces a stage's results whole.
    """
    run = IndexRun.objects.select_related("period").get(pk=run_id)
    if run.status == JobStatus.DONE:
        return run
    _index_run_update(
        run_id,
        status=JobStatus.RUNNING,
        progress=10,
        error="",
        started_at=timezone.now(),
        finished_at=None,
    )
    try:
        result_hash = results_compute(period=run.period, stage=run.stage)
    except PublishedYearError as error:
        _index_run_update(
            run_id,
            status=JobStatus.FAILED,
            progress=100,
            error=str(error),
            finished_at=timezone.now(),
        )
    except Exception as error:  # any failure must show on the run, not vanish in a worker log
        logger.exception("index run %s failed", run_id)
        _index_run_update(
            run_id,
            status=JobStatus.FAILED,
            progress=100,
            error=_("Lỗi khi tính chỉ số: %(e)s") % {"e": error},
            finished_at=timezone.now(),
        )
    else:
        _index_run_update(
            run_id,
            status=JobStatus.DONE,
            progress=100,
            result_hash=result_hash,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


# --- report files ------------------------------------------------------------------------


@transaction.atomic
def report_build_take(*, actor) -> float | None:
    """Count one report file built for the actor (a queued XLSX/PDF, or a scorecard or plan
    PDF): None when within REPORT_BUILDS_PER_HOUR, else when the next hour starts (epoch s)."""
    return quota_take(kind="report-build", user_id=actor.pk, limit=settings.REPORT_BUILDS_PER_HOUR)


def report_build_refused_message(at: float) -> str:
    return _(
        "Bạn đã yêu cầu tạo %(n)s tệp báo cáo trong giờ này, là mức tối đa. "
        "Vui lòng thử lại sau %(when)s."
    ) % {"n": settings.REPORT_BUILDS_PER_HOUR, "when": retry_when(at)}


def report_file_request(
    *, actor, kind: str, file_format: str, period: Period, params: dict | None = None
) -> ReportFile:
    """Record a province-wide report file to build and queue its task on commit."""
    from .tasks import report_file_build_task  # tasks import the services (Celery's pair)

    ReportKind(kind)
    FileFormat(file_format)
    report_file = ReportFile.objects.create(
        kind=kind,
        file_format=file_format,
        period=period,
        params=params or {},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: report_file_build_task.delay(report_file.pk))
    return report_file


def document_bytes(document, file_format: str) -> bytes:
    return document_xlsx(document) if file_format == FileFormat.XLSX else document_pdf(document)


def official_bytes(document, file_format: str) -> bytes:
    """An official document (reports.official) as DOCX or PDF."""
    if file_format == FileFormat.DOCX:
        return docx_bytes(document)
    if file_format == FileFormat.PDF:
        return pdf_bytes(document)
    raise ValueError(file_format)


def report_file_document(report_file: ReportFile):
    """What a report file holds: the annex Document, or the OfficialDocument of its kind."""
    if report_file.kind not in DOCUMENT_KINDS:
        return province_document(report_file.kind, report_file.period)

    code = (report_file.params or {}).get("unit")
    unit = Unit.objects.get(code=code) if code else None
    return official_document(report_file.kind, report_file.period, unit)


def report_file_build(*, report_file_id: int) -> ReportFile:
    """Build the file and store it in default_storage; safe to run twice (rebuilds if not done)."""
    report_file = ReportFile.objects.select_related("period").get(pk=report_file_id)
    if report_file.status == JobStatus.DONE and report_file.file_key:
        return report_file
    ReportFile.objects.filter(pk=report_file_id).update(
        status=JobStatus.RUNNING, progress=10, error=""
    )
    try:
        document = report_file_document(report_file)
        ReportFile.objects.filter(pk=report_file_id).update(progress=50)
        if report_file.kind in DOCUMENT_KINDS:
            content = official_bytes(document, report_file.file_format)
        else:
            content = document_bytes(document, report_file.file_format)
        ReportFile.objects.filter(pk=report_file_id).update(progress=90)
        key = default_storage.save(
            f"reports/{report_file.period.year}/{document.filename}-{report_file.pk}."
            f"{report_file.file_format}",
            ContentFile(content),
        )
    except Exception as error:  # shown to the person waiting on the progress bar
        logger.exception("report file %s failed", report_file_id)
        ReportFile.objects.filter(pk=report_file_id).update(
            status=JobStatus.FAILED,
            progress=100,
            finished_at=timezone.now(),
            error=_("Không tạo được báo cáo: %(e)s") % {"e": error},
        )
    else:
        ReportFile.objects.filter(pk=report_file_id).update(
            status=JobStatus.DONE, progress=100, file_key=key, finished_at=timezone.now()
        )
    report_file.refresh_from_db()
    return report_file


# --- official documents: the province's details, numbers and dates ---------------------------


@transaction.atomic
def document_settings_save(*, actor, values: dict) -> DocumentSettings:
    """Save the province's details as a new row (the rows are their own history: who, when)."""
    _require(actor, "reports.edit_document_settings")
    fields = {f.name for f in DocumentSettings._meta.get_fields() if f.concrete}
    unknown = set(values) - fields
    if unknown:
        raise ValueError(sorted(unknown))
    return DocumentSettings.objects.create(**values, saved_by=actor)


ISSUABLE_KINDS = (ReportKind.YEAR_REPORT, *UNIT_DOCUMENT_KINDS)


def document_symbol(kind: str, settings) -> str:
    """The symbol after the number: BC-SNV, TB-SNV, and SNV-CCHC for a letter (công văn)."""
    if kind == ReportKind.YEAR_REPORT:
        return f"BC-{settings.issuer_abbr}"
    if kind == ReportKind.UNIT_NOTICE:
        return f"TB-{settings.issuer_abbr}"
    if kind == ReportKind.SUPPLEMENT_REQUEST:
        return f"{settings.issuer_abbr}-{settings.office_abbr}".strip("-")
    raise ValueError(kind)


def _numbers_taken(*, symbol: str, year: int, numbers, keep: set) -> list[int]:
    """Numbers already given to another document of the issuer with the same symbol in the
    calendar year (numbers restart on 1 January). `keep`: the targets being (re)numbered."""
    latest: dict = {}
    for issue in DocumentIssue.objects.filter(issued_on__year=year).order_by("issued_at", "id"):
        latest[(issue.period_id, issue.kind, issue.unit_id)] = issue
    wanted = set(numbers)
    return sorted(
        issue.number
        for target, issue in latest.items()
        if target not in keep and issue.symbol == symbol and issue.number in wanted
    )


@transaction.atomic
def document_issue(
    *, actor, period: Period, kind: str, number: int, issued_on, units: list | None = None
) -> list[DocumentIssue]:
    """Give documents their number and date: one document (the year's report, or one unit's
    letter or notice), or the units' documents numbered in order from `number`. Each is a new
    row; a number the same issuer already used this calendar year with the same symbol is
    refused, and nothing is saved."""
    _require(actor, "reports.issue_document", period)
    if kind not in ISSUABLE_KINDS:
        raise ValidationError(_("Loại văn bản này không cấp số tại đây."), code="kind")
    if (kind in UNIT_DOCUMENT_KINDS) != bool(units):
        raise ValidationError(_("Hãy chọn đơn vị nhận văn bản."), code="unit")
    if number is None or number < 1:
        raise ValidationError(_("Số văn bản phải là số nguyên dương."), code="number")
    if issued_on is None or issued_on.year < period.year:
        raise ValidationError(
            _("Ngày ban hành phải từ năm %(y)s trở đi.") % {"y": period.year}, code="date"
        )
    settings = selectors.document_settings_current()
    symbol = document_symbol(kind, settings)
    targets = [None] if not units else list(units)
    numbers = list(range(number, number + len(targets)))
    keep = {(period.pk, kind, getattr(unit, "pk", None)) for unit in targets}
    taken = _numbers_taken(symbol=symbol, year=issued_on.year, numbers=numbers, keep=keep)
    if taken:
        raise ValidationError(
            _("Số %(n)s/%(s)s đã cấp cho văn bản khác trong năm %(y)s.")
            % {"n": ", ".join(f"{t:02d}" for t in taken), "s": symbol, "y": issued_on.year},
            code="taken",
        )
    return [
        DocumentIssue.objects.create(
            period=period,
            kind=kind,
            unit=unit,
            number=n,
            symbol=symbol,
            issued_on=issued_on,
            issued_by=actor,
        )
        for unit, n in zip(targets, numbers, strict=True)
    ]


# --- improvement plans -------------------------------------------------------------------


@transaction.atomic
def improvement_plan_draft(*, actor, period: Period, unit: Unit) -> ImprovementPlan:
    """Draft the unit's improvement plan from the leaves that lost points (final stage).

    One row per lost leaf: content = the sub-criterion and the points lost, cause = the
    appraiser's comment, lead = the unit. An existing plan is returned untouched (the unit may
    already have edited it). The unit's people or the secretariat of the year, once the
    year is published (reports.edit_improvement_plan). Audited.
    """
    _require(actor, "reports.edit_improvement_plan", UnitYear(unit, period))
    plan = ImprovementPlan.objects.select_for_update().filter(period=period, unit=unit).first()
    if plan is not None:
        return plan
    plan = ImprovementPlan.objects.create(
        period=period,
        unit=unit,
        created_by=actor,
        title=_("Kế hoạch khắc phục hạn chế và cải thiện Chỉ số CCHC năm %(y)s của %(u)s")
        % {"y": period.year, "u": unit.name},
    )
    items = []
    for order, leaf in enumerate(selectors.unit_lost_leaves(period=period, unit=unit), start=1):
        items.append(
            ImprovementItem(
                plan=plan,
                criterion_id=leaf["criterion_id"],
                order=order,
                code=leaf["code"],
                content=_("%(name)s (bị trừ %(lost)s/%(max)s điểm)")
                % {
                    "name": leaf["name"],
                    "lost": engine.vn_number(leaf["lost"]),
                    "max": engine.vn_number(leaf["maximum"]),
                },
                cause=leaf["comment"],
                lead_unit=unit.name,
                deadline=str(period.year + 1),
            )
        )
    ImprovementItem.objects.bulk_create(items)
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.PLAN,
        assessment=Assessment.objects.filter(period=period, unit=unit).first(),
        new={"unit": unit.code, "plan": plan.pk, "items": len(items), "drafted": True},
    )
    return plan


@transaction.atomic
def improvement_plan_save(*, actor, plan: ImprovementPlan, formset) -> ImprovementPlan:
    """Save the edited rows of a plan (a valid ImprovementItem model formset). Audited."""
    _require(actor, "reports.edit_improvement_plan", UnitYear(plan.unit, plan.period))
    old = _plan_rows(plan)
    formset.instance = plan
    formset.save()
    ImprovementPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
    new = _plan_rows(plan)
    if new != old:
        audit_record(
            period=plan.period,
            actor=actor,
            action=AuditAction.PLAN,
            assessment=Assessment.objects.filter(period=plan.period, unit=plan.unit).first(),
            old={"unit": plan.unit.code, "items": old},
            new={"unit": plan.unit.code, "items": new},
        )
    return plan


PLAN_FIELDS = ("code", "content", "cause", "remedy", "lead_unit", "partners", "deadline", "note")


def _plan_rows(plan: ImprovementPlan) -> list[dict]:
    return [
        dict(zip(PLAN_FIELDS, row, strict=True)) for row in plan.items.values_list(*PLAN_FIELDS)
    ]


# --- inputs from outside -----------------------------------------------------------------


# Rows that cannot be imported: the one error of the table imports (`errors`, with lines).
ImportRowsError = TableError
SIPAS_HEADER = Header(required=("unit_code", "sipas"), others=True)


@dataclass(frozen=True)
class ImportSummary:
    rows: int


def _units_and_assessments(period: Period) -> tuple[dict[str, Unit], dict[int, Assessment]]:
    units = {u.code: u for u in Unit.objects.all()}
    assessments = {a.unit_id: a for a in Assessment.objects.filter(period=period)}
    return units, assessments


def _row_assessment(row, line, units, assessments, period, errors):
    """The row's unit's dossier this year; else the row's error is recorded (None)."""
    unit = units.get(row["unit_code"])
    if unit is None or unit.id not in assessments:
        errors.append(
            line_error(
                line,
                _("không có đơn vị “%(c)s” trong kỳ %(y)s.")
                % {"c": row["unit_code"], "y": period.year},
            )
        )
        return None
    return assessments[unit.id]


@transaction.atomic
def sipas_import(*, actor, period: Period, content: bytes, filename: str) -> ImportSummary:
    """Set Assessment.sipas from rows `unit_code,sipas`; any bad row: nothing saved.

    The secretariat of the year, never in a frozen year; the audit trail keeps each unit's
    old and new value."""
    _require_secretariat(actor, "reports.import_inputs", period)
    rows = table_read(content, header=SIPAS_HEADER, name=filename)
    units, assessments = _units_and_assessments(period)
    errors, updates, old = [], [], {}
    for row in rows:
        line = row["line"]
        assessment = _row_assessment(row, line, units, assessments, period, errors)
        if assessment is None:
            continue
        try:
            value = engine.to_decimal(row["sipas"], label=_("Chỉ số hài lòng"))
            if value < 0 or value > 100:
                raise engine.ScoringInputError(_("Chỉ số hài lòng phải từ 0 đến 100%."))
        except engine.ScoringInputError as error:
            errors.append(line_error(line, str(error)))
            continue
        old[assessment.unit.code] = {"sipas": _text(assessment.sipas)}
        assessment.sipas = engine.q2(value)
        updates.append(assessment)
    if errors:
        raise ImportRowsError(errors)
    Assessment.objects.bulk_update(updates, ["sipas"])
    _inputs_audit(
        actor=actor,
        period=period,
        kind="sipas",
        filename=filename,
        old=old,
        new={a.unit.code: {"sipas": _text(a.sipas)} for a in updates},
    )
    return ImportSummary(rows=len(updates))


def _text(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _inputs_audit(*, actor, period, kind: str, filename: str, old: dict, new: dict) -> None:
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.INPUTS_IMPORT,
        old=old,
        new=new,
        reason=_("Nhập %(kind)s từ tệp %(name)s") % {"kind": kind, "name": filename},
    )


DOSSIER_COLUMNS = ["unit_code", "received", "early", "on_time", "late", "pending"]
DOSSIER_HEADER = Header(required=tuple(DOSSIER_COLUMNS), others=True)


@transaction.atomic
def dossier_stats_import(*, actor, period: Period, content: bytes, filename: str) -> ImportSummary:
    """Store rows `unit_code,received,early,on_time,late,pending` and set each assessment's
    late_dossier_percent = late / (early + on_time + late) × 100; any bad row: nothing saved.
    The secretariat of the year, never in a frozen year; audited (old and new per unit)."""
    _require_secretariat(actor, "reports.import_inputs", period)
    rows = table_read(content, header=DOSSIER_HEADER, name=filename)
    units, assessments = _units_and_assessments(period)
    errors, parsed = [], []
    for row in rows:
        line = row["line"]
        assessment = _row_assessment(row, line, units, assessments, period, errors)
        if assessment is None:
            continue
        numbers = {}
        for column in DOSSIER_COLUMNS[1:]:
            text = row[column].replace(".", "").replace(" ", "")
            if not text.isdigit():
                errors.append(
                    line_error(
                        line,
                        _("cột %(c)s phải là số nguyên không âm (“%(v)s”).")
                        % {"c": column, "v": row[column]},
                    )
                )
                break
            numbers[column] = int(text)
        else:
            parsed.append((assessment, numbers))
    if errors:
        raise ImportRowsError(errors)
    stored = {
        s.unit_id: {c: getattr(s, c) for c in DOSSIER_COLUMNS[1:]}
        for s in DossierStats.objects.filter(period=period)
    }
    old, new = {}, {}
    for assessment, numbers in parsed:
        code = assessment.unit.code
        old[code] = {
            **stored.get(assessment.unit_id, {}),
            "late_percent": _text(assessment.late_dossier_percent),
        }
        DossierStats.objects.update_or_create(
            period=period, unit_id=assessment.unit_id, defaults={**numbers, "imported_by": actor}
        )
        resolved = numbers["early"] + numbers["on_time"] + numbers["late"]
        assessment.late_dossier_percent = (
            engine.q2(Decimal(numbers["late"]) / resolved * engine.HUNDRED) if resolved else None
        )
        assessment.save(update_fields=["late_dossier_percent"])
        new[code] = {**numbers, "late_percent": _text(assessment.late_dossier_percent)}
    _inputs_audit(
        actor=actor, period=period, kind="dossier_stats", filename=filename, old=old, new=new
    )
    return ImportSummary(rows=len(parsed))


@transaction.atomic
def external_inputs_apply(*, period: Period, stage: str = Stage.FINAL, actor=None) -> int:
    """Write the survey-method leaves (inputs {"sipas": …} and points) of every assessment of
    the period at a stage from Assessment.sipas; returns the number of leaf scores written.

    The secretariat of the year, never in a frozen year; every leaf whose value changes
    leaves an audit row (old → new)."""
    _require_secretariat(actor, "reports.import_inputs", period)
    Stage(stage)
    leaves = [leaf for leaf in criteria_leaves(period=period) if leaf.method == Method.SURVEY]
    assessments = list(
        Assessment.objects.filter(period=period, sipas__isnull=False).select_related("unit")
    )
    nodes = Criterion.objects.in_bulk([leaf.criterion_id for leaf in leaves])
    written = 0
    for assessment in assessments:
        for leaf in leaves:
            maximum = leaf.maxima.get(assessment.group_id)
            if maximum is None:
                continue
            inputs = {"sipas": f"{assessment.sipas:.2f}"}
            leaf_score_write(
                actor=actor,
                assessment=assessment,
                criterion=nodes[leaf.criterion_id],
                stage=stage,
                inputs=inputs,
                value=engine.leaf_points(leaf.method, leaf.params, maximum, inputs),
                action=AuditAction.INPUTS_APPLY,
                reason=_("Điểm tiêu chí khảo sát từ chỉ số hài lòng (SIPAS)"),
            )
            written += 1
    return written
