"""XLSX and PDF of the published report: sheets, charts, numbers equal to results_report."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from reports import selectors
from reports.documents import published_document
from reports.enums import FileFormat, JobStatus, ReportKind
from reports.exports import document_pdf
from reports.services import report_file_request
from scoring import engine
from scoring.selectors import results_report
from tests.tools import require_tool


def _cell(value) -> str | None:
    return None if value is None else f"{engine.q2(Decimal(str(value))):.2f}"


@pytest.fixture
def published_xlsx(published_year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_file = report_file_request(
            actor=None,
            kind=ReportKind.PUBLISHED,
            file_format=FileFormat.XLSX,
            period=published_year["period"],
        )
    report_file.refresh_from_db()
    assert report_file.status == JobStatus.DONE, report_file.error
    with default_storage.open(report_file.file_key, "rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def test_published_xlsx_has_every_table_and_charts(published_xlsx):
    assert published_xlsx.sheetnames == [
        "Bảng 1",
        "Bảng 2",
        "Bảng 3",
        "Bảng 4",
        "Bảng 5",
        "Biểu đồ",
    ]
    charts = published_xlsx["Biểu đồ"]._charts
    assert len(charts) == 6  # this year vs last, and delta, for each of the 3 groups
    for name in published_xlsx.sheetnames[:5]:
        assert published_xlsx[name].freeze_panes == "A4"


def test_published_xlsx_numbers_equal_results_report(published_year, published_xlsx):
    report = results_report(period=published_year["period"])
    sheet = published_xlsx["Bảng 1"]
    rows = [r for r in sheet.iter_rows(min_row=4) if isinstance(r[0].value, int)]
    assert len(rows) == len(report["units"]) == 6
    for row, unit in zip(rows, report["units"], strict=True):
        assert row[0].value == unit["rank_in_group"]
        assert row[1].value == unit["unit_code"]
        assert _cell(row[3].value) == unit["standard_score"]
        assert _cell(row[4].value) == unit["appraised_score"]
        assert _cell(row[5].value) == unit["index"]
        assert row[5].number_format == "0.00"
        assert isinstance(row[5].value, (int, float))
    compare = [
        r
        for r in published_xlsx["Bảng 5"].iter_rows(min_row=4, values_only=True)
        if r[0] in {u["unit_code"] for u in report["units"]}
    ]
    for row, unit in zip(compare, report["units"], strict=True):
        assert (_cell(row[2]), _cell(row[4]), _cell(row[6])) == (
            unit["previous_index"],
            unit["index"],
            unit["delta"],
        )
    totals = list(published_xlsx["Bảng 2"].iter_rows(min_row=4, values_only=True))[-1]
    counts = report["overall"]["band_counts"]
    assert totals[1:5] == (counts["tot"], counts["kha"], counts["trung_binh"], counts["yeu"])
    means = list(published_xlsx["Bảng 3"].iter_rows(min_row=4, values_only=True))
    assert _cell(means[-1][3]) == report["overall"]["mean_index"]
    assert [_cell(r[2]) for r in means[:3]] == [g["previous_mean_index"] for g in report["groups"]]


def test_published_report_history_and_means_exact(published_year):
    data = selectors.published_report(period=published_year["period"])
    assert data["years"] == [2022, 2023, 2024]
    so = data["groups"][0]
    assert so["means"] == [Decimal("85.00"), Decimal("87.25"), Decimal("92.50")]
    assert so["change"] == Decimal("5.25")
    history = {u["unit_code"]: u["bands"] for u in data["band_history"]}
    assert history["SO-YT"] == ["kha", "tot", "tot"]
    assert history["H-BINH"] == ["kha", None, "trung_binh"]
    flags = {f["unit_code"]: (f["head_flag"], f["two_low"]) for f in data["flags"]}
    assert flags == {"CT-THUE": (True, True), "CT-KB": (True, True), "H-BINH": (True, False)}


def test_published_pdf_renders_page_one(published_year, tmp_path):
    document = published_document(selectors.published_report(period=published_year["period"]))
    pdf = document_pdf(document)
    assert pdf.startswith(b"%PDF")
    require_tool(
        bool(shutil.which("pdftoppm")),
        "pdftoppm (poppler-utils) is not installed: cannot render the PDF to PNG",
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-l", "1", str(path), "-"], check=True, capture_output=True, timeout=60
        ).stdout.decode()
        assert "Báo cáo kết quả Chỉ số cải cách hành chính năm 2024" in text
        assert "Khối huyện, thị xã, thành phố" in text
        assert "92,50%" in text
