"""The official documents read back as their reader gets them: the DOCX with python-docx
(header parts, fonts, margins, page numbers), the narrative's numbers against the tables and
against figures computed here from the Result and LeafScore rows (not by the code that
wrote the narrative), an imported year, the PDF rendered to PNG, LibreOffice's conversion."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.enums import ReportKind
from reports.models import DocumentIssue, DocumentSettings
from reports.official.builders import official_document
from reports.services import official_bytes
from scoring.enums import Phase, Stage
from scoring.models import CriterionMax, LeafScore, Period, Result
from scoring.results_io import results_import
from tests.factories import make_user
from tests.tools import require_tool
from units.enums import RoleKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BAND_WORDS = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def vn(value: Decimal) -> str:
    return f"{q2(value):.2f}".replace(".", ",")


@pytest.fixture
def province(db):
    return DocumentSettings.objects.create(
        province_name="tỉnh Bình Định Xanh",
        parent_body="UBND TỈNH BÌNH ĐỊNH XANH",
        issuer_name="SỞ NỘI VỤ",
        issuer_body_name="Sở Nội vụ",
        issuer_abbr="SNV",
        office_abbr="CCHC",
        place_name="Quy Nhơn Xanh",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Lê Thị Thu",
        decision_parent="ỦY BAN NHÂN DÂN",
        decision_issuer="TỈNH BÌNH ĐỊNH XANH",
        decision_abbr="UBND",
        decision_authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH XANH",
        decision_signer_title="CHỦ TỊCH",
        decision_grounds="Căn cứ Luật Tổ chức chính quyền địa phương;",
        recipients_report="UBND tỉnh (báo cáo);\nCác sở, ban, ngành;",
    )


@pytest.fixture
def year(published_year, province):
    """The conftest's published 2024 with its cycle's dates and decision recorded."""
    period = published_year["period"]
    Period.objects.filter(pk=period.pk).update(
        self_assessment_opens=dt.datetime(2024, 11, 20, 8, tzinfo=TZ),
        self_assessment_deadline=dt.datetime(2024, 12, 16, 23, 59, tzinfo=TZ),
        round1_start=dt.datetime(2024, 12, 18, 8, tzinfo=TZ),
        round1_end=dt.datetime(2024, 12, 25, 17, tzinfo=TZ),
        supplement_start=dt.datetime(2024, 12, 27, 8, tzinfo=TZ),
        supplement_end=dt.datetime(2024, 12, 30, 23, 59, tzinfo=TZ),
        round2_start=dt.datetime(2024, 12, 31, 8, tzinfo=TZ),
        round2_end=dt.datetime(2025, 1, 5, 17, tzinfo=TZ),
        council_date=dt.datetime(2025, 1, 16, 14, tzinfo=TZ),
        decision_number="199/QĐ-UBND",
        decision_date=dt.date(2025, 1, 21),
        decision_signer="Nguyễn Văn Bình, Chủ tịch UBND tỉnh",
    )
    period.refresh_from_db()
    return {**published_year, "period": period}


def _docx(kind, period, unit=None):
    return Document(io.BytesIO(official_bytes(official_document(kind, period, unit), "docx")))


def _cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table_rows(table) -> list[list[str]]:
    """Each row's cells as written (a merged section row is one cell)."""
    return [
        ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.tc_lst]
        for tr in table._tbl.tr_lst
    ]


def _tables_after(doc, title: str):
    """The table that follows the paragraph `title` in the body."""
    body = doc.element.body
    tables = {t._tbl: t for t in doc.tables}
    found = False
    for child in body.iterchildren():
        if child.tag.endswith("}p") and "".join(child.itertext()).startswith(title):
            found = True
        elif found and child in tables:
            return tables[child]
    raise AssertionError(f"no table after {title!r}")


# --- the header and the closing parts ----------------------------------------------------


def test_report_docx_header_parts_fonts_and_margins(year):
    period = year["period"]
    DocumentIssue.objects.create(
        period=period,
        kind=ReportKind.YEAR_REPORT,
        number=5,
        symbol="BC-SNV",
        issued_on=dt.date(2025, 2, 3),
        issued_by=make_user(RoleKind.SECRETARIAT),
    )
    doc = _docx(ReportKind.YEAR_REPORT, period)

    issuer_cell, nation_cell = doc.tables[0].rows[0].cells
    assert _cell_lines(issuer_cell) == ["UBND TỈNH BÌNH ĐỊNH XANH", "SỞ NỘI VỤ", "Số: 05/BC-SNV"]
    issuer_run = issuer_cell.paragraphs[1].runs[0]
    assert issuer_run.bold and issuer_run.font.size == Pt(13)
    assert not issuer_cell.paragraphs[0].runs[0].bold
    assert _cell_lines(nation_cell) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quy Nhơn Xanh, ngày 03 tháng 02 năm 2025",
    ]
    national, motto = nation_cell.paragraphs[0].runs[0], nation_cell.paragraphs[1].runs[0]
    assert national.bold and national.font.size == Pt(12)
    assert motto.bold and motto.font.size == Pt(13)
    place = [p for p in nation_cell.paragraphs if p.text.startswith("Quy Nhơn")][0].runs[0]
    assert place.italic
    # the short rules under the issuer and the motto: paragraph borders
    rules = [p for p in (*issuer_cell.paragraphs, *nation_cell.paragraphs) if "w:pBdr" in p._p.xml]
    assert len(rules) == 2
    # no borders on the header table
    assert 'w:val="nil"' in doc.tables[0]._tbl.tblPr.xml

    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert "DỰ THẢO" not in lines
    type_index = lines.index("BÁO CÁO")
    assert lines[type_index + 1] == (
        "Chỉ số và xếp hạng kết quả cải cách hành chính năm 2024 của các cơ quan, đơn vị, địa "
        "phương trên địa bàn tỉnh Bình Định Xanh"
    )
    type_paragraph = [p for p in doc.paragraphs if p.text == "BÁO CÁO"][0]
    assert type_paragraph.runs[0].bold and type_paragraph.alignment == 1  # centred
    assert lines[type_index + 2].startswith("I. CÔNG TÁC TRIỂN KHAI")

    recipients_cell, signer_cell = doc.tables[-1].rows[0].cells
    recipients = _cell_lines(recipients_cell)
    assert recipients == [
        "Nơi nhận:",
        "- UBND tỉnh (báo cáo);",
        "- Các sở, ban, ngành;",
        "- Lưu: VT, CCHC.",
    ]
    title_run = recipients_cell.paragraphs[0].runs[0]
    assert title_run.bold and title_run.italic and title_run.font.size == Pt(12)
    assert _cell_lines(signer_cell) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Thu"]
    assert all(r.bold for p in signer_cell.paragraphs for r in p.runs if r.text)

    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text}
    assert fonts == {"Times New Roman"}
    section = doc.sections[0]
    mm = {
        name: round(getattr(section, name).mm, 1)
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert mm == {
        "page_width": 210.0,
        "page_height": 297.0,
        "top_margin": 20.0,
        "bottom_margin": 20.0,
        "left_margin": 30.0,
        "right_margin": 15.0,
    }
    # page numbers centred at the top from page 2: a different first-page header
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert section.header.paragraphs[0].alignment == 1
    assert "PAGE" not in section.first_page_header._element.xml


def test_draft_leaves_number_and_day_blank(year):
    doc = _docx(ReportKind.YEAR_REPORT, year["period"])
    assert doc.paragraphs[0].text == "DỰ THẢO"
    issuer_cell, nation_cell = doc.tables[0].rows[0].cells
    number = _cell_lines(issuer_cell)[-1]
    assert re.fullmatch(r"Số:\xa0+/BC-SNV", number)
    place = _cell_lines(nation_cell)[-1]
    assert re.fullmatch(r"Quy Nhơn Xanh, ngày\xa0+tháng\xa0+năm \d{4}", place)


# --- the narrative against the tables and the stored rows ------------------------------


def _results(year_value: int) -> dict[str, Result]:
    return {
        r.unit.code: r
        for r in Result.objects.filter(period__year=year_value, stage=Stage.FINAL).select_related(
            "unit", "group"
        )
    }


def test_report_band_counts_equal_table_2_and_the_results(year):
    doc = _docx(ReportKind.YEAR_REPORT, year["period"])
    text = _body_text(doc)
    now, before = _results(2024), _results(2023)
    expected = Counter(r.band for r in now.values())
    previous = Counter(r.band for r in before.values())
    said = {
        word: int(n)
        for word, n in re.findall(r"Xếp hạng (Tốt|Khá|Trung bình|Yếu): (\d+) cơ quan, đơn vị", text)
    }
    assert said == {BAND_WORDS[b]: expected[b] for b in BAND_WORDS}
    for band, word in BAND_WORDS.items():
        line = re.search(rf"Xếp hạng {word}: .*", text).group(0)
        if expected[band] == previous[band]:
            assert line.endswith("– bằng năm 2023;") or line.endswith("– bằng năm 2023.")
        elif previous[band] == 0:
            assert "năm 2023 không có đơn vị nào" in line
        elif expected[band] > previous[band]:
            assert f"– tăng {expected[band] - previous[band]} so với năm 2023" in line
        else:
            assert f"– giảm {previous[band] - expected[band]} so với năm 2023" in line
    # per group, in the bullet, as Bảng 2 has them
    table_2 = _table_rows(_tables_after(doc, "Bảng 2."))
    header, *rows = table_2
    assert header == ["Khối", "Tốt", "Khá", "Trung bình", "Yếu", "Tổng số"]
    total = rows[-1]
    assert total[0] == "Tổng cộng"
    assert [int(v) for v in total[1:5]] == [expected[b] for b in BAND_WORDS]
    assert int(total[5]) == len(now)
    for row in rows[:-1]:
        group_units = [r for r in now.values() if r.group.name == row[0]]
        assert [int(v) for v in row[1:5]] == [
            sum(1 for r in group_units if r.band == b) for b in BAND_WORDS
        ]
        for band, word in BAND_WORDS.items():
            n = sum(1 for r in group_units if r.band == band)
            line = re.search(rf"Xếp hạng {word}: .*", text).group(0)
            assert (f"{row[0]}: {n}" in line) == (n > 0)


def test_report_movers_and_means_equal_the_results(year):
    doc = _docx(ReportKind.YEAR_REPORT, year["period"])
    text = _body_text(doc)
    now, before = _results(2024), _results(2023)
    deltas = {code: q2(r.index - before[code].index) for code, r in now.items() if code in before}
    up = sum(1 for d in deltas.values() if d > 0)
    down = sum(1 for d in deltas.values() if d < 0)
    match = re.search(
        r"Trong tổng số (\d+) cơ quan, đơn vị được đánh giá, xếp hạng năm 2024, có (\d+) đơn vị "
        r"có Chỉ số cải cách hành chính cao hơn năm 2023, (\d+) đơn vị có chỉ số thấp hơn",
        text,
    )
    assert [int(g) for g in match.groups()] == [len(now), up, down]
    missing = len(now) - len(deltas)
    assert (f"{missing} đơn vị chưa có kết quả năm 2023 để so sánh" in text) == bool(missing)
    best = max(deltas, key=lambda c: (deltas[c], c))
    best_line = re.search(
        r"Các đơn vị có chỉ số tăng nhiều nhất: (.+?) \(tăng ([\d,]+) điểm %", text
    )
    assert best_line.group(1) == now[best].unit.name
    assert best_line.group(2) == vn(deltas[best])
    worst = min(deltas, key=lambda c: (deltas[c], c))
    worst_line = re.search(
        r"Các đơn vị có chỉ số giảm nhiều nhất: (.+?) \(giảm ([\d,]+) điểm %", text
    )
    assert worst_line.group(1) == now[worst].unit.name
    assert worst_line.group(2) == vn(-deltas[worst])
    # the same deltas in Bảng 5
    header, *table_5 = _table_rows(_tables_after(doc, "Bảng 5."))
    delta_column = header.index("Tăng/giảm (điểm %)")
    by_name = {row[0]: row for row in table_5 if len(row) == len(header)}
    assert by_name[now[best].unit.name][delta_column] == "+" + vn(deltas[best])
    assert by_name[now[worst].unit.name][delta_column] == "-" + vn(-deltas[worst])
    # the overall mean: the mean of the group means, as Bảng 3's last row
    groups = defaultdict(list)
    for r in now.values():
        groups[r.group_id].append(r.index)
    group_means = [q2(sum(v) / len(v)) for v in groups.values()]
    overall = q2(sum(group_means) / len(group_means))
    assert f"Chỉ số trung bình chung của các khối năm 2024 đạt {vn(overall)}%" in text
    table_3 = _table_rows(_tables_after(doc, "Bảng 3."))
    assert table_3[-1][0] == "Trung bình chung" and table_3[-1][3] == f"{vn(overall)}%"


def test_report_criterion_sentences_equal_the_leaf_scores(year):
    period = year["period"]
    doc = _docx(ReportKind.YEAR_REPORT, period)
    text = _body_text(doc)
    maxima = defaultdict(dict)
    for criterion_id, group_id, maximum in CriterionMax.objects.filter(
        criterion__period=period
    ).values_list("criterion_id", "group_id", "max_score"):
        maxima[criterion_id][group_id] = maximum
    expected = {}
    for leaf in year["nodes"].values():
        if not leaf.is_leaf or leaf.kind == "bonus":
            continue
        scores = LeafScore.objects.filter(
            assessment__period=period, criterion=leaf, stage=Stage.FINAL
        ).select_related("assessment__unit")
        applicable = [s for s in scores if s.assessment.unit.group_id in maxima[leaf.id]]
        if leaf.kind == "deduction":
            losers = [s for s in applicable if s.value and s.value > 0]
        else:
            losers = [
                s for s in applicable if s.value < maxima[leaf.id][s.assessment.unit.group_id]
            ]
        if losers:
            share = q2(Decimal(len(losers)) * 100 / Decimal(len(applicable)))
            expected[leaf.code] = (
                len(losers),
                len(applicable),
                vn(share),
                leaf.name,
                {s.assessment.unit.name for s in losers},
            )
    found = {}
    for lost, total, share, name, code, names in re.findall(
        r"(\d+)/(\d+) đơn vị \(([\d,]+)%\) bị trừ điểm ở tiêu chí “(.+?)” \(([\w.]+)\): (.+?)\.\n",
        text + "\n",
    ):
        found[code] = (int(lost), int(total), share, name, set(names.split(", ")))
    assert found == expected
    assert (
        "1/6 đơn vị (16,67%) bị trừ điểm ở tiêu chí “Ban hành kế hoạch” (1.1): Cục Thuế tỉnh."
        in (text)
    )


def test_report_cycle_section_states_the_period_records(year):
    period = year["period"]
    from scoring.models import Assessment

    late = Assessment.objects.get(period=period, unit__code="CT-KB")
    late.is_late = True
    late.submitted_at = dt.datetime(2024, 12, 17, 9, tzinfo=TZ)
    late.save()
    Assessment.objects.filter(period=period, unit__code="H-BINH").update(status="draft")
    text = _body_text(_docx(ReportKind.YEAR_REPORT, period))
    assert "Năm 2024 có 6 cơ quan, đơn vị, địa phương là đối tượng đánh giá" in text
    assert "- Khối sở, ban, ngành: 2 cơ quan, đơn vị;" in text
    assert "Thời hạn nộp hồ sơ đề nghị thẩm định là 23 giờ 59 ngày 16/12/2024." in text
    assert "có 4/6 cơ quan, đơn vị nộp hồ sơ đúng hạn" in text
    assert "Nộp hồ sơ trễ hạn: Kho bạc Nhà nước tỉnh (nộp ngày 17/12/2024)." in text
    assert "Chưa nộp hồ sơ: UBND thị xã Bình Định." in text
    assert "Từ ngày 18/12/2024 đến ngày 25/12/2024," in text
    assert "Thời gian bổ sung từ 08 giờ 00 ngày 27/12/2024 đến 23 giờ 59 ngày 30/12/2024." in text
    assert "Ngày 16/01/2025, Hội đồng thẩm định thông qua" in text
    assert "Ngày 21/01/2025, UBND tỉnh ban hành Quyết định số 199/QĐ-UBND" in text
    # section III stays for the secretariat to write, marked as placeholders
    placeholders = [
        r.text
        for p in _docx(ReportKind.YEAR_REPORT, period).paragraphs
        for r in p.runs
        if r.font.highlight_color is not None
    ]
    assert any(t.startswith("[Bộ phận thư ký soạn: những hạn chế") for t in placeholders)


def test_imported_year_builds_with_what_the_data_allows(province):
    rows = [
        {
            "line": n,
            "group_code": "so",
            "group_name": "Khối sở",
            "unit_code": code,
            "unit_name": name,
            "standard_score": "",
            "appraised_score": "",
            "index": index,
            "band": "",
        }
        for n, (code, name, index) in enumerate(
            [("S1", "Sở Một", "91.20"), ("S2", "Sở Hai", "78.00"), ("S3", "Sở Ba", "55.10")],
            start=2,
        )
    ]
    results_import(year=2019, rows=rows)
    period = Period.objects.get(year=2019)
    assert period.phase == Phase.PUBLISHED
    doc = _docx(ReportKind.YEAR_REPORT, period)
    text = _body_text(doc)
    assert "Kết quả năm 2019 được nhập từ bảng kết quả đã công bố" in text
    assert "Xếp hạng Tốt: 1 cơ quan, đơn vị (Khối sở: 1)" in text
    assert "Năm 2018 chưa có kết quả đã công bố để so sánh." in text
    assert "2. Kết quả đạt được của các cơ quan, đơn vị theo từng lĩnh vực, tiêu chí" not in text
    assert official_bytes(official_document(ReportKind.YEAR_REPORT, period), "pdf")[:4] == b"%PDF"
    decision = _body_text(_docx(ReportKind.DECISION, period))
    assert "của 3 cơ quan, đơn vị, địa phương" in decision
    from units.models import Unit

    notice = _body_text(_docx(ReportKind.UNIT_NOTICE, period, Unit.objects.get(code="S2")))
    assert "Chỉ số cải cách hành chính: 78,00%, xếp hạng Khá;" in notice
    assert "Các tiêu chí thành phần bị trừ điểm" not in notice


# --- the other documents -----------------------------------------------------------------


def test_supplement_letter_lists_the_flagged_items_and_the_window(year):
    period, units, nodes = year["period"], year["units"], year["nodes"]
    from scoring.models import Assessment

    assessment = Assessment.objects.get(period=period, unit=units["SO-YT"])
    LeafScore.objects.create(
        assessment=assessment,
        criterion=nodes["1.2"],
        stage=Stage.ROUND1,
        value=Decimal("1"),
        comment="Thiếu báo cáo quý IV",
        supplement_requested=True,
    )
    LeafScore.objects.create(
        assessment=assessment, criterion=nodes["2.1"], stage=Stage.ROUND1, value=Decimal("1")
    )
    doc = _docx(ReportKind.SUPPLEMENT_REQUEST, period, units["SO-YT"])
    issuer_cell, _nation = doc.tables[0].rows[0].cells
    lines = _cell_lines(issuer_cell)
    assert re.fullmatch(r"Số:\xa0+/SNV-CCHC", lines[2])
    assert lines[3] == "V/v đề nghị bổ sung tài liệu kiểm chứng, giải trình Chỉ số CCHC năm 2024"
    body = _body_text(doc)
    assert "Kính gửi: Sở Y tế." in body
    assert "BÁO CÁO" not in body
    assert "đối với 1 tiêu chí thành phần sau:" in body
    assert "từ 08 giờ 00 ngày 27/12/2024 đến 23 giờ 59 ngày 30/12/2024" in body
    items = _table_rows(doc.tables[1])
    assert items[1] == [
        "1",
        "1.2",
        "Báo cáo định kỳ",
        "2,00",
        "2,00",
        "1,00",
        "Thiếu báo cáo quý IV",
    ]
    assert len(items) == 2


def test_decision_articles_grounds_and_annex(year):
    period = year["period"]
    doc = _docx(ReportKind.DECISION, period)
    issuer_cell, nation_cell = doc.tables[0].rows[0].cells
    assert _cell_lines(issuer_cell) == ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH XANH", "Số: 199/QĐ-UBND"]
    assert _cell_lines(nation_cell)[-1] == "Quy Nhơn Xanh, ngày 21 tháng 01 năm 2025"
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[0] == "QUYẾT ĐỊNH"
    assert lines[2] == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH XANH"
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;" in lines
    assert "Căn cứ kết quả thẩm định của Hội đồng thẩm định ngày 16/01/2025;" in lines
    assert "QUYẾT ĐỊNH:" in lines
    articles = [line for line in lines if line.startswith("Điều ")]
    assert [a[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    counts = Counter(r.band for r in _results(2024).values())
    assert (
        f"{counts['tot']} đơn vị xếp hạng Tốt, {counts['kha']} đơn vị xếp hạng Khá, "
        f"{counts['trung_binh']} đơn vị xếp hạng Trung bình, {counts['yeu']} đơn vị xếp hạng Yếu"
    ) in articles[0]
    assert "PHỤ LỤC" in lines
    assert "(Kèm theo Quyết định số 199/QĐ-UBND ngày 21 tháng 01 năm 2025)" in lines
    header, *annex = _table_rows(doc.tables[-1])
    names = {row[header.index("Tên cơ quan, đơn vị")] for row in annex if len(row) == len(header)}
    assert {u.name for u in year["units"].values()} <= names
    signer = _cell_lines(doc.tables[-2].rows[0].cells[1])
    assert signer == ["CHỦ TỊCH", "Nguyễn Văn Bình"]


def test_unit_notice_states_its_result_and_lost_sub_criteria(year):
    period, unit = year["period"], year["units"]["SO-YT"]
    doc = _docx(ReportKind.UNIT_NOTICE, period, unit)
    text = _body_text(doc)
    result = Result.objects.get(period=period, unit=unit, stage=Stage.FINAL)
    assert "THÔNG BÁO" in text
    assert "Kết quả Chỉ số cải cách hành chính năm 2024 của Sở Y tế" in text
    assert f"Chỉ số cải cách hành chính: {vn(result.index)}%, xếp hạng Tốt;" in text
    assert f"Xếp thứ {result.rank_in_group}/{result.group_size} trong Khối sở, ban, ngành" in text
    before = Result.objects.get(period__year=2023, unit=unit, stage=Stage.FINAL)
    assert f"So với năm 2023 ({vn(before.index)}%, xếp hạng Tốt): giảm 1,00 điểm %." in text
    lost = _table_rows(_tables_after(doc, "Đơn vị bị trừ điểm ở"))
    assert [row[0] for row in lost[1:]] == ["1.2", "2.3"]
    assert lost[1][-1] == "Báo cáo quý III nộp trễ hạn"
    assert "Đơn vị bị trừ điểm ở 2 tiêu chí thành phần, tổng số điểm bị trừ là 1,50 điểm:" in text
    assert "xây dựng Kế hoạch khắc phục" in text


# --- rendering: PDF to PNG, LibreOffice ----------------------------------------------------


def test_report_pdf_renders_to_png_pages(year, tmp_path):
    require_tool(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    pdf = official_bytes(official_document(ReportKind.YEAR_REPORT, year["period"]), "pdf")
    (tmp_path / "bao-cao.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(tmp_path / "bao-cao.pdf"), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 3
    from PIL import Image

    with Image.open(pages[0]) as image:
        width, height = image.size
        assert (round(width / height, 2)) == round(210 / 297, 2)  # A4 portrait
        dark = sum(image.convert("L").histogram()[:128])
        assert dark > 2000  # text on the page, not a blank


def _soffice():
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    require_tool(binary is not None, "LibreOffice is not installed (libreoffice-writer-nogui)")
    return binary


def test_libreoffice_converts_every_docx(year, tmp_path):
    soffice = _soffice()
    period, unit = year["period"], year["units"]["SO-YT"]
    files = []
    for kind, target in (
        (ReportKind.YEAR_REPORT, None),
        (ReportKind.DECISION, None),
        (ReportKind.UNIT_NOTICE, unit),
        (ReportKind.SUPPLEMENT_REQUEST, unit),
    ):
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(official_bytes(official_document(kind, period, target), "docx"))
        files.append(path)
    out = tmp_path / "pdf"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    for path in files:
        pdf = out / f"{path.stem}.pdf"
        assert pdf.exists(), (path.name, result.stdout, result.stderr)
        assert pdf.read_bytes()[:4] == b"%PDF"


def test_a_province_template_replaces_the_letterhead(year, settings, tmp_path):
    from docx.shared import Mm

    from reports.official.docx import template_build

    path = template_build(tmp_path / "tinh.docx")
    template = Document(str(path))
    template.sections[0].left_margin = Mm(35)
    template.sections[0].header.paragraphs[0].add_run(" — Sở Nội vụ tỉnh Bình Định Xanh")
    template.save(str(path))
    settings.OFFICIAL_DOCX_TEMPLATE = str(path)
    doc = _docx(ReportKind.YEAR_REPORT, year["period"])
    assert round(doc.sections[0].left_margin.mm) == 35
    assert "Sở Nội vụ tỉnh Bình Định Xanh" in doc.sections[0].header.paragraphs[0].text
    assert doc.tables[0].rows[0].cells[0].paragraphs[1].text == "SỞ NỘI VỤ"
