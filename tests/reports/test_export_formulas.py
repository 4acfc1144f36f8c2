"""No spreadsheet the portal writes turns user text into a formula (CSV injection).

Every free-text field of a published year is filled with formula-looking text —
`=HYPERLINK("http://x","y")`, `+1`, `-1`, `@SUM(A1)`, and text starting with a tab or a carriage
return — then every XLSX and CSV the portal produces is downloaded as its users would (report
exports, scorecards, the improvement plan, the criteria set, assignments, the audit trail,
open data, the export commands). No XLSX has a formula cell (read back with openpyxl,
data_only=False, and in the raw sheet XML), no CSV has a text cell starting with one of those
characters, the planted text is there (kept as text), and numbers are still numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from appraisal import selectors as appraisal_selectors
from appraisal import services as appraisal_services
from appraisal.models import Assignment
from evidence.enums import ReadingState
from evidence.models import EvidenceFile, EvidenceReading, ReadingCorrection
from parindex.tabular_safe import FORMULA_PREFIXES
from reports.models import ImprovementItem, ImprovementPlan, ReportFile
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import Assessment, Criterion, DeadlineExtension, LeafScore, Period
from scoring.results_io import RESULTS_CSV_NUMBERS
from tests.factories import RoleKind, make_user

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1+2", "\r=1+2"]
REPORT_SLUGS = ["cong-bo", "phan-tich-tieu-chi", "tu-danh-gia", "trach-nhiem"]

# Every text field a person types, and the fields that are not user text (or never exported).
PLANTED = {
    "units.Group": {"code", "name"},
    "units.Unit": {"code", "name", "short_name"},
    "units.User": {"username", "first_name", "last_name", "full_name"},
    "scoring.Period": {"name", "decision_number", "decision_signer"},
    "scoring.Criterion": {"name", "guidance", "notes"},
    "scoring.LeafScore": {"explanation", "comment"},
    "scoring.AuditEntry": {"reason"},
    "reports.ImprovementPlan": {"title"},
    "evidence.ReadingCorrection": {"old_value", "value"},  # the bundle's index sheet
    "scoring.DeadlineExtension": {"reason"},  # the submission tracker's CSV
    "reports.ImprovementItem": {
        "code",
        "content",
        "cause",
        "remedy",
        "lead_unit",
        "partners",
        "deadline",
        "note",
    },
}
NOT_PLANTED = {
    "units.User": {"password", "email"},  # a hash; an address (validated), in no export
    "scoring.Criterion": {"code"},  # dotted codes, validated on import ("1.2.3")
    "scoring.Exemption": {"reason"},  # in no XLSX/CSV (pages; audit CSV carries it as JSON)
    "scoring.Result": {"inputs_hash"},
    "evidence.EvidenceFile": {"storage_key", "original_name", "content_type", "sha256"},
    "appraisal.CrossCheck": {"comment"},  # pages only; the audit CSV carries it as JSON
    "appraisal.Supplement": {"explanation"},  # pages only; the audit CSV carries it as JSON
    "appraisal.CouncilApproval": {"comment"},  # pages only; the audit CSV carries it as JSON
    "appraisal.Notification": {"key", "link", "text", "title"},  # the bell and e-mail only
    # The working group's notes and their files: the appraisal pages only, in no export.
    "appraisal.WorkingNote": {"text"},
    "appraisal.NoteAttachment": {"storage_key", "original_name", "content_type", "sha256"},
    "scoring.CalendarDay": {"reason"},  # the calendar page only
    # A reading's text and error: pages only; number_key is derived (number|symbol|issuer).
    "evidence.EvidenceReading": {"error", "number_key", "text"},
    # The province's letterhead and document numbers: in DOCX/PDF documents, no spreadsheet.
    "reports.DocumentSettings": {
        "decision_abbr",
        "decision_authority",
        "decision_grounds",
        "decision_issuer",
        "decision_parent",
        "decision_signer_authority",
        "decision_signer_name",
        "decision_signer_title",
        "issuer_abbr",
        "issuer_body_name",
        "issuer_name",
        "office_abbr",
        "parent_body",
        "place_name",
        "province_name",
        "recipients_decision",
        "recipients_letter",
        "recipients_notice",
        "recipients_report",
        "signer_authority",
        "signer_name",
        "signer_title",
    },
    "reports.DocumentIssue": {"symbol"},
    "reports.IndexRun": {"result_hash", "error"},
    "reports.ReportFile": {"file_key", "error"},
    "parindex.ApiToken": {"digest", "prefix"},
    "parindex.EnrolmentCode": {"code_hash"},
    "parindex.AccountEvent": {"username", "address"},
}
OUR_APPS = ("units", "scoring", "evidence", "appraisal", "reports", "parindex")


def test_every_text_field_is_planted_or_declared_not_exported():
    """A new free-text field must be added to PLANTED (or, with a reason, to NOT_PLANTED)."""
    from django.apps import apps

    found = {}
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            names = {
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.CharField | models.TextField) and not f.choices
            }
            if names:
                found[f"{app}.{model.__name__}"] = names
    declared = {k: PLANTED.get(k, set()) | NOT_PLANTED.get(k, set()) for k in found}
    assert declared == found


def _payload(n: int, suffix: str = "") -> str:
    return PAYLOADS[n % len(PAYLOADS)] + suffix


@pytest.fixture
def planted(published_year, settings):
    """The published year of tests/reports/conftest.py, every free text made formula-like."""
    settings.REPORT_BUILDS_PER_HOUR = 1000
    period = published_year["period"]
    for n, group in enumerate(published_year["groups"]):
        group.name = _payload(n)
        group.code = "+-@"[n] + group.code
        group.save()
    for n, unit in enumerate(published_year["units"].values()):
        unit.name = PAYLOADS[n]
        unit.short_name = _payload(n + 1)
        unit.code = ("=", "+", "-", "@", "", "")[n] + unit.code  # codes appear in URLs too
        unit.save()
    deadline = timezone.now() - timedelta(days=30)
    Period.objects.filter(pk=period.pk).update(
        name=PAYLOADS[0],
        decision_number=PAYLOADS[1],
        decision_signer=PAYLOADS[2],
        self_assessment_deadline=deadline,
    )
    for n, assessment in enumerate(Assessment.objects.filter(period=period).order_by("pk")):
        DeadlineExtension.objects.create(
            assessment=assessment,
            deadline="self_assessment_deadline",
            until=deadline + timedelta(days=3),
            reason=PAYLOADS[n % len(PAYLOADS)],
            granted_at=deadline,
        )
    for n, node in enumerate(Criterion.objects.filter(period=period).order_by("code")):
        node.name, node.guidance, node.notes = _payload(n), _payload(n + 1), _payload(n + 2)
        node.save(update_fields=["name", "guidance", "notes"])
    scores = LeafScore.objects.filter(assessment__period=period).order_by("pk")
    for n, score in enumerate(scores):
        score.comment, score.explanation = _payload(n), _payload(n + 3)
        score.save(update_fields=["comment", "explanation"])

    secretary = make_user(RoleKind.SECRETARIAT, username="-thuky")
    appraiser = make_user(
        RoleKind.APPRAISER,
        published_year["units"]["SO-TP"],
        year=period.year,
        username="@thamdinh",
    )
    for n, user in enumerate((secretary, appraiser)):
        user.first_name, user.last_name, user.full_name = PAYLOADS[n], PAYLOADS[n + 2], PAYLOADS[n]
        user.save()
    fields = Criterion.objects.filter(period=period, parent=None).order_by("code")
    for unit in published_year["units"].values():
        for field in fields:
            Assignment.objects.create(period=period, field=field, unit=unit, appraiser=appraiser)
    leaf = Criterion.objects.filter(period=period, is_leaf=True).first()
    assessment = LeafScore.objects.filter(criterion=leaf).first().assessment
    for n, payload in enumerate(PAYLOADS):
        appraisal_services.audit_record(
            period=period,
            actor=(secretary, appraiser)[n % 2],
            action=AuditAction.SCORE,
            assessment=assessment,
            criterion=leaf,
            stage=Stage.FINAL,
            old={"comment": payload},
            new=-1 if n == 0 else payload,
            reason=payload,
        )
    plan = ImprovementPlan.objects.create(
        period=period, unit=published_year["units"]["SO-TP"], title=PAYLOADS[0]
    )
    for n in range(len(PAYLOADS)):
        ImprovementItem.objects.create(
            plan=plan,
            order=n,
            code=_payload(n)[:20],
            content=_payload(n),
            cause=_payload(n + 1),
            remedy=_payload(n + 2),
            lead_unit=_payload(n + 3),
            partners=_payload(n + 4),
            deadline=_payload(n + 5),
            note=_payload(n),
        )
    cache.clear()  # the published report is cached under a fingerprint that names do not change
    return {**published_year, "secretary": secretary, "plan": plan}


# --- what is checked in each file ------------------------------------------------------------


def _xlsx_check(content: bytes, where: str) -> tuple[set[str], int]:
    """No formula anywhere; returns the text cells and the number of numeric cells."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert not re.search(r"<f[ >]", xml), f"{where}: formula element in {name}"
                assert 't="e"' not in xml, f"{where}: error cell in {name}"
    workbook = load_workbook(io.BytesIO(content), data_only=False)
    texts, numbers = set(), 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if cell.value.startswith(FORMULA_PREFIXES):
                        assert cell.quotePrefix, f"{where}: {sheet.title}!{cell.coordinate}"
                elif isinstance(cell.value, int | float | Decimal):
                    numbers += 1
    return texts, numbers


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _csv_check(text: str, where: str, numeric_columns=frozenset()) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    header = rows[0]
    for line, row in enumerate(rows[1:], start=2):
        for column, cell in zip(header, row, strict=True):
            if column in numeric_columns and cell:
                assert _is_number(cell), f"{where}:{line} {column}: {cell!r} is not a number"
            elif cell.startswith(FORMULA_PREFIXES):
                pytest.fail(f"{where}:{line} {column}: text {cell!r} would become a formula")
    return rows


def _cells(rows) -> set[str]:
    return {cell for row in rows for cell in row}


def _escaped(payload: str) -> str:
    return "'" + payload


# --- the files -------------------------------------------------------------------------------


def _report_xlsx(client, slug: str, capture) -> bytes:
    with capture(execute=True):
        response = client.post(reverse("reports:export", args=[2024, slug]), {"format": "xlsx"})
    assert response.status_code == 302, (slug, response.status_code)
    report_file = ReportFile.objects.filter(kind__isnull=False).latest("pk")
    download = client.get(reverse("reports:file_download", args=[report_file.pk]))
    assert download.status_code == 200, (slug, report_file.error)
    return b"".join(download.streaming_content)


def test_no_formula_in_any_spreadsheet_the_portal_writes(
    client, planted, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(planted["secretary"])
    planted_seen, numbers_seen = set(), {}

    xlsx_files = {
        f"report {slug}": _report_xlsx(client, slug, django_capture_on_commit_callbacks)
        for slug in REPORT_SLUGS
    }
    for unit in planted["units"].values():
        url = reverse("reports:scorecard_file", args=[2024, unit.code, "xlsx"])
        response = client.get(url)
        assert response.status_code == 200, url
        xlsx_files[f"scorecard {unit.code}"] = response.content
    plan_url = reverse("reports:plan_file", args=[2024, planted["plan"].unit.code, "xlsx"])
    xlsx_files["plan"] = client.get(plan_url).content
    xlsx_files["criteria"] = client.get(reverse("criteria_export", args=[2024])).content
    out = tmp_path / "tieu-chi.xlsx"
    call_command("export_criteria", "--year", "2024", "--out", str(out))
    xlsx_files["export_criteria command"] = out.read_bytes()

    for where, content in xlsx_files.items():
        texts, numbers = _xlsx_check(content, where)
        found = {p for p in PAYLOADS if any(t.startswith(p) for t in texts)}
        assert found, f"{where}: none of the planted text reached the file"
        planted_seen |= found
        numbers_seen[where] = numbers
    assert planted_seen == set(PAYLOADS)
    # numbers stay numbers: indexes, scores, counts, maxima are numeric cells in every file
    assert all(numbers_seen[where] > 0 for where in xlsx_files), numbers_seen
    ranking = load_workbook(io.BytesIO(xlsx_files["report cong-bo"]))["Bảng 5"]
    deltas = [c.value for c in ranking["G"] if isinstance(c.value, int | float)]
    assert any(value < 0 for value in deltas)  # a fall stays a negative number

    csv_files = {
        "assignments": client.get(reverse("appraisal_assignments_csv", args=[2024])),
        "audit": client.get(reverse("appraisal_audit_csv", args=[2024])),
        "open data": client.get(reverse("open_data_csv", args=[2024])),
        "tracker": client.get(reverse("appraisal_tracker_csv", args=[2024])),
    }
    texts = {name: response.content.decode() for name, response in csv_files.items()}
    command_out = io.StringIO()
    call_command("export_results", "--year", "2024", "--format", "csv", stdout=command_out)
    texts["export_results command"] = command_out.getvalue()

    assignments = _cells(_csv_check(texts["assignments"], "assignments"))
    assert _escaped("@thamdinh") in assignments and _escaped("=SO-TP") in assignments
    audit = _csv_check(texts["audit"], "audit")
    assert {_escaped(p) for p in PAYLOADS} <= _cells(audit)  # every reason, escaped
    assert _escaped("-1") in _cells(audit)  # a JSON value is text too
    board = _cells(_csv_check(texts["tracker"], "tracker", {"leaves_unscored"}))
    assert {_escaped(p) for p in PAYLOADS} <= board  # unit names, extension reasons
    for name in ("open data", "export_results command"):
        rows = _csv_check(texts[name], name, RESULTS_CSV_NUMBERS)
        cells = _cells(rows)
        assert {_escaped(p) for p in PAYLOADS} <= cells  # unit names
        assert _escaped("+so") in cells  # group codes
        delta = rows[0].index("delta")
        assert any(row[delta].startswith("-") for row in rows[1:])  # negative, unescaped
        assert all(re.fullmatch(r"-?\d+\.\d\d|", row[delta]) for row in rows[1:])


def test_assignments_csv_round_trip_keeps_usernames_that_look_like_formulas(planted):
    period = planted["period"]
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND1)
    period.refresh_from_db()
    text = appraisal_selectors.assignments_csv(period=period)
    assert "'@thamdinh" in text
    before = sorted(Assignment.objects.values_list("field_id", "unit_id", "appraiser_id"))
    Assignment.objects.all().delete()
    count = appraisal_services.assignments_import(
        actor=planted["secretary"], period=period, text=text
    )
    assert count == len(before)
    assert sorted(Assignment.objects.values_list("field_id", "unit_id", "appraiser_id")) == before


def test_no_formula_in_a_units_dossier_bundle(client, planted):
    """The bundle's CSV sheets and its XLSX index: user text stays text, scores stay numbers."""
    client.force_login(planted["secretary"])
    unit = planted["plan"].unit
    # A file of the unit whose number and issuer a person corrected to formula-like text.
    assessment = Assessment.objects.get(period=planted["period"], unit=unit)
    content = b"%PDF-1.4 formula"
    evidence_file = EvidenceFile.objects.create(
        assessment=assessment,
        storage_key=default_storage.save("evidence/2024/formula", ContentFile(content)),
        original_name=PAYLOADS[2] + ".pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stage=Stage.SELF,
    )
    reading = EvidenceReading.objects.create(
        file=evidence_file, state=ReadingState.DONE, is_document=True, fields={"number": "1"}
    )
    for field, n in (("number", 0), ("issuer", 1)):
        ReadingCorrection.objects.create(reading=reading, field=field, value=PAYLOADS[n])
    response = client.get(reverse("reports:unit_bundle", args=[2024, unit.code]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    csvs = {n: c.decode("utf-8") for n, c in members.items() if n.endswith(".csv")}
    assert len(csvs) == 3, sorted(members)
    seen = set()
    for name, text in csvs.items():
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        for line, row in enumerate(rows, start=1):
            for cell in row:
                if cell.startswith(FORMULA_PREFIXES) and not _is_number(cell):
                    pytest.fail(f"{name}:{line}: text {cell!r} would become a formula")
                seen |= {p for p in PAYLOADS if cell == _escaped(p)}
    assert seen, "none of the planted text reached the bundle's sheets"
    scores = list(csv.reader(io.StringIO(csvs["01-diem-cac-vong.csv"].lstrip("\ufeff"))))
    assert any(_is_number(cell) for row in scores[1:] for cell in row[2:])  # numbers stay numbers
    (index,) = [c for n, c in members.items() if n.endswith(".xlsx")]
    texts, _numbers = _xlsx_check(index, "bundle index")
    assert {PAYLOADS[0], PAYLOADS[1], PAYLOADS[2] + ".pdf"} <= texts  # corrected, as text
