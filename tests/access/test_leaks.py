"""The leak test: what an agency can reach never shows what the phase does not show it yet.

Markers are planted in every round-1 comment, the round-1 cross-check comment, a round-1
exemption's reason and audit row, and the round-1 index of the unit; and in every final
(round-2) comment, the final cross-check comment, a final exemption's reason and audit row,
and the unit's final index — each marker naming its unit. Then, in each of the 8 phases, the
unit's staff and head fetch every page, export and API response they can reach: every URL
of the URL conf (GET, redirects followed), the scorecard and plan as XLSX and PDF, the
report exports they may start, the API lists filtered by stage; XLSX cells and PDF text
(pdftotext) are read like the pages. Asserted:

- final markers of any unit never appear before the year is published;
- round-1 markers never before round 1 is closed;
- another unit's markers never;
- and, so that the test cannot pass blind: once published the unit's final marker and
  final index appear (scorecard page, XLSX, PDF; improvement plan; API), and from round 1
  closed its round-1 marker appears (the round-1 results page, the API).

The working group's notes are never the unit's: in every phase a note is planted on each
unit's leaf through the note service (with its audit row and notification; a published
year's just before publication), its text, its file's name and the file's content each carrying a marker.
No answer the unit's staff or head can reach shows any of them — in any phase, published
or not; ZIP answers (the dossier bundle) are read member by member. And the markers are
seen where they belong: the secretariat reads the note on the item's page and its file.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import CrossCheck, WorkingNote
from scoring.enums import Phase, Stage
from scoring.models import AuditEntry, Exemption, LeafScore, Result

from . import world as w
from .expectations import ROWS
from .test_matrix import kwargs_for, url_patterns

UNITS = ("A01", "B01", "C01")
FINAL_INDEX, ROUND1_INDEX = Decimal("58.19"), Decimal("61.73")


def final_marker(unit: str) -> str:
    return f"FINXQ{unit}"


def round1_marker(unit: str) -> str:
    return f"R1XQ{unit}"


def _numbers(value: Decimal) -> tuple[str, str]:
    return f"{value:.2f}", f"{value:.2f}".replace(".", ",")


def _plant(world: w.World, step: str) -> None:
    stage = {"round1": Stage.ROUND1, "final": Stage.FINAL}.get(step)
    if stage is not None:
        marker = round1_marker if stage == Stage.ROUND1 else final_marker
        for unit in UNITS:
            LeafScore.objects.filter(assessment=world.assessments[unit], stage=stage).update(
                comment=f"Nhận xét {marker(unit)}"
            )
            Exemption.objects.create(
                assessment=world.assessments[unit],
                criterion=world.nodes["2.4"],
                stage=stage,
                reason=f"Không phát sinh {marker(unit)}",
            )
            AuditEntry.objects.create(
                period=world.period,
                assessment=world.assessments[unit],
                criterion=world.nodes["1.1"],
                stage=stage,
                at=world.period.supplement_start,
                action="score",
                reason=f"Lý do {marker(unit)}",
            )
        CrossCheck.objects.filter(assessment=world.own, stage=stage).update(
            comment=f"Kiểm tra chéo {marker('A01')}"
        )
    elif step in ("round1_results", "final_results"):
        stage = Stage.ROUND1 if step == "round1_results" else Stage.FINAL
        index = ROUND1_INDEX if stage == Stage.ROUND1 else FINAL_INDEX
        Result.objects.filter(period=world.period, unit=world.units["A01"], stage=stage).update(
            index=index
        )


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8", "replace")


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def bytes_text(content: bytes, kind: str = "") -> str:
    """What a person (or a program) reads in a file, whatever its format: a workbook's
    cells, a PDF's text, a ZIP's members (each read the same way, with its name)."""
    if "spreadsheetml" in kind or content[:2] == b"PK":
        try:
            return xlsx_text(content)
        except Exception:  # not a workbook: a ZIP (a bundle), or another office file
            pass
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "\n".join(
                    f"{name}\n{bytes_text(archive.read(name))}" for name in archive.namelist()
                )
        except zipfile.BadZipFile:
            return content.decode("utf-8", "replace")
    if "pdf" in kind or content[:5] == b"%PDF-":
        return pdf_text(content)
    return content.decode("utf-8", "replace")


def text_of(response) -> str:
    """What a person (or a program) reads in the answer, whatever its format."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return bytes_text(content, response.get("Content-Type", ""))


def reachable(world: w.World, client: Client) -> dict[str, str]:
    """Every answer the client gets that is not a refusal: {what: text}."""
    seen: dict[str, str] = {}
    patterns = url_patterns()

    def fetch(label, url, **extra):
        response = client.get(url, follow=True, **extra)
        if response.status_code == 200:
            seen[label] = text_of(response)
        return response

    for row in ROWS:
        if row.name in ("logout", "set_language", "totp_enrol"):
            continue
        url = reverse(row.name, kwargs=kwargs_for(world, row, patterns[row.name]))
        fetch(f"GET {row.key} {url}", url)
    year, code = w.YEAR, "A01"
    for fmt in ("xlsx", "pdf"):
        fetch(f"scorecard.{fmt}", reverse("reports:scorecard_file", args=[year, code, fmt]))
    # The improvement plan: drafted by the unit (when it may), then read and downloaded.
    plan = reverse("reports:plan", args=[year, code])
    if client.post(plan, {"action": "draft"}).status_code == 302:
        fetch("plan", plan)
        for fmt in ("xlsx", "pdf"):
            fetch(f"plan.{fmt}", reverse("reports:plan_file", args=[year, code, fmt]))
    # Report builds the unit may start, read when built (tasks run in-process).
    for slug in ("cong-bo", "phan-tich-tieu-chi", "tu-danh-gia", "trach-nhiem"):
        for fmt in ("xlsx", "pdf"):
            started = client.post(reverse("reports:export", args=[year, slug]), {"format": fmt})
            if started.status_code == 302 and "/bao-cao/tep/" in started["Location"]:
                page = started["Location"]
                fetch(f"report {slug}.{fmt}", page)
                fetch(f"report {slug}.{fmt} file", page.rstrip("/") + "/tai-ve/")
    # The API's lists, by stage and year.
    own = world.own.pk
    for stage in Stage.values:
        fetch(f"api scores {stage}", f"/api/v1/assessments/{own}/scores/?stage={stage}")
        fetch(f"api results {stage}", f"/api/v1/results/?stage={stage}&year={year}")
    fetch("api results all", "/api/v1/results/?page_size=500")
    fetch("api assessments", f"/api/v1/assessments/?year={year}")
    fetch("api evidence", f"/api/v1/assessments/{own}/evidence/")
    return seen


def note_markers(unit: str) -> list[str]:
    """The markers of a unit's note: its text, its file's name, the file's content."""
    return [f"NOTEXQ{unit}", f"NOTEFILEXQ{unit}", f"NOTEBODYXQ{unit}"]


def _plant_notes(world: w.World) -> None:
    """A note with a file on each unit's 1.1, through the note service (with its audit row
    and notification) by the secretariat of the year; a published year takes no note, so
    its notes are written just before publication (in the council phase)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appraisal.notes import note_add
    from scoring.models import Period
    from tests.evidence.files import pdf_bytes

    phase = world.period.phase
    if world.period.is_frozen:
        Period.objects.filter(pk=world.period.pk).update(phase=Phase.COUNCIL)
    for unit in UNITS:
        text, name, body = note_markers(unit)
        assessment = world.assessments[unit]
        assessment.period.refresh_from_db()
        note_add(
            actor=world.users[w.SECR],
            assessment=assessment,
            criterion=world.nodes["1.1"],
            text=f"Ghi chú {text}",
            uploaded_file=SimpleUploadedFile(
                f"{name}.pdf", pdf_bytes(f"Trang danh dau {body}"), "application/pdf"
            ),
        )
    Period.objects.filter(pk=world.period.pk).update(phase=phase)
    world.period.refresh_from_db()
    for assessment in world.assessments.values():
        assessment.period.refresh_from_db()


def _found(texts: dict[str, str], needles) -> list[str]:
    return [
        f"{needle} in {label}"
        for label, text in texts.items()
        for needle in needles
        if needle in text
    ]


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
@pytest.mark.django_db
@pytest.mark.parametrize("phase", w.PHASES)
def test_agency_never_sees_what_the_phase_hides(phase, capsys):
    world = w.build(phase, hook=_plant)
    _plant_notes(world)
    published = phase == Phase.PUBLISHED
    round1_shown = w.at_least(phase, Phase.ROUND1_CLOSED)
    counts = {}
    for role in (w.STAFF, w.HEAD):
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
        texts = reachable(world, client)
        counts[role] = len(texts)
        hidden = [final_marker(u) for u in UNITS[1:]] + [round1_marker(u) for u in UNITS[1:]]
        hidden += [marker for unit in UNITS for marker in note_markers(unit)]
        if not published:
            hidden += [final_marker("A01"), *_numbers(FINAL_INDEX)]
        if not round1_shown:
            hidden += [round1_marker("A01"), *_numbers(ROUND1_INDEX)]
        leaks = _found(texts, hidden)
        assert not leaks, f"{role} in {phase}: " + "; ".join(leaks[:20])
        # The test can see what it looks for when the phase shows it.
        if published:
            for label in ("scorecard", "scorecard.xlsx", "scorecard.pdf", "plan", "plan.pdf"):
                matches = [k for k in texts if k == label or k.startswith(f"GET reports:{label}")]
                assert matches, f"{role} could not reach {label} once published"
            assert _found(texts, [final_marker("A01")]), "final marker never seen once published"
            for fmt in ("scorecard.xlsx", "scorecard.pdf"):
                assert final_marker("A01") in texts[fmt], fmt
            assert any(n in texts["scorecard.pdf"] for n in _numbers(FINAL_INDEX))
            assert _numbers(FINAL_INDEX)[1] in next(
                t for k, t in texts.items() if k.startswith("GET reports:scorecard ")
            )
            api = json.loads(texts["api scores final"])
            assert final_marker("A01") in json.dumps(api, ensure_ascii=False)
        if round1_shown:
            agency_page = next(t for k, t in texts.items() if k.startswith("GET appraisal_agency"))
            assert round1_marker("A01") in agency_page
            assert round1_marker("A01") in texts["api scores round1"]
    # The notes' markers are where they belong: on the item's page and in the file, for the
    # secretariat (so the test could see them if they leaked).
    secretariat = Client(raise_request_exception=False)
    secretariat.force_login(world.users[w.SECR])
    page = text_of(secretariat.get(reverse("appraisal_field", args=[world.own.pk, "1"])))
    text, name, body = note_markers("A01")
    assert text in page and name in page, "the secretariat cannot see A01's note"
    note = WorkingNote.objects.get(assessment=world.own, text__contains=text)
    download = secretariat.get(reverse("appraisal_note_file", args=[note.attachment.pk]))
    assert body in text_of(download), "the note's file does not carry its marker"
    with capsys.disabled():
        print(f"\nleak test, phase {phase}: {counts} answers read, no marker where hidden")
