"""The demo province's published years produce all four documents (DOCX, and PDF for one)."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from docx import Document

from parindex import demo
from reports.enums import ReportKind
from reports.official.builders import official_document
from reports.services import official_bytes
from scoring.enums import Stage
from scoring.models import LeafScore, Period
from tests.scoring.test_demo import FAST_HASHERS, _clear
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with django_db_blocker.unblock():
            demo.demo_load()
        yield
        with django_db_blocker.unblock():
            _clear()


def _text(kind, period, unit=None) -> str:
    content = official_bytes(official_document(kind, period, unit), "docx")
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


@pytest.mark.parametrize("year", demo.PAST_YEARS)
def test_demo_published_year_produces_all_four_documents(demo_db, year):
    period = Period.objects.get(year=year)
    flagged = (
        LeafScore.objects.filter(
            assessment__period=period, stage=Stage.ROUND1, supplement_requested=True
        )
        .values_list("assessment__unit__code", flat=True)
        .first()
    )
    unit = Unit.objects.get(code=flagged or "SO-TP")
    report = _text(ReportKind.YEAR_REPORT, period)
    assert "UBND TỈNH HÒA BÌNH XANH" in report and "SỞ NỘI VỤ" in report
    assert f"II. KẾT QUẢ CHỈ SỐ VÀ XẾP HẠNG CẢI CÁCH HÀNH CHÍNH NĂM {year}" in report
    assert "bị trừ điểm ở tiêu chí" in report
    assert "Trần Thu Hà" in report
    decision = _text(ReportKind.DECISION, period)
    assert f"Số: {demo.DECISIONS[year][0]}" in decision and "Điều 3." in decision
    notice = _text(ReportKind.UNIT_NOTICE, period, unit)
    assert f"của {unit.name}" in notice and "Các tiêu chí thành phần bị trừ điểm" in notice
    letter = _text(ReportKind.SUPPLEMENT_REQUEST, period, unit)
    assert f"Kính gửi: {unit.name}." in letter
    if year == demo.PAST_YEARS[-1]:
        assert flagged is not None
        assert "tiêu chí thành phần sau:" in letter
        assert f"Nộp hồ sơ trễ hạn: Công an tỉnh (nộp ngày 16/12/{year})." in report
        pdf = official_bytes(official_document(ReportKind.YEAR_REPORT, period), "pdf")
        assert pdf[:4] == b"%PDF"
