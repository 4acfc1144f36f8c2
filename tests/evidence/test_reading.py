"""The reading layer piece by piece: number, date, issuer, signing block, office files,
damaged files, OCR slips, the criterion's evidence rules. No database."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.criterion_rules import evidence_rules, evidence_rules_errors
from evidence.reading import read_document
from evidence.reading.header import _date, _issuer, _number
from evidence.reading.lines import Line
from evidence.reading.vocabulary import correct_fields, correct_title_line
from tests.evidence import corpus as c
from tests.evidence.files import xlsx_bytes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số: 28/KH-SNV", ("28", "KH-SNV")),
        ("Số: 12/2025/QĐ-UBND", ("12", "QĐ-UBND")),
        ("Số: 45/STP-VP", ("45", "STP-VP")),
        ("Số: 05/BC-UBND", ("05", "BC-UBND")),
        ("Số:        /KH-STP", (None, "KH-STP")),
        ("Số: ....../TTr-STC", (None, "TTr-STC")),
        ("Số 7/TB-SKHCN", ("7", "TB-SKHCN")),
        ("Sô: 102/TTr-STC", ("102", "TTr-STC")),  # OCR lost a tone mark
        ("Số: 3/QÐ-UBND", ("3", "QĐ-UBND")),  # a Latin Eth for Đ
    ],
)
def test_number_and_symbol_as_printed(text, expected):
    assert _number(text) == expected


def test_number_not_taken_from_body_text():
    assert _number("Số liệu giải quyết hồ sơ năm 2025") is None
    assert _number("Căn cứ Quyết định số 12/2025/QĐ-UBND") is None


@pytest.mark.parametrize(
    ("text", "day", "place"),
    [
        ("Hòa Bình Xanh, ngày 05 tháng 01 năm 2025", date(2025, 1, 5), "Hòa Bình Xanh"),
        ("Hòa Bình Xanh, ngày 5 tháng 1 năm 2025", date(2025, 1, 5), "Hòa Bình Xanh"),
        ("Tân Lập, ngày 09 tháng 3 năm 2025", date(2025, 3, 9), "Tân Lập"),
        ("Hà Nội, ngày 31 tháng 12 năm 2024", date(2024, 12, 31), "Hà Nội"),
        ("Hòa Bình Xanh, ngày      tháng      năm 2025", None, "Hòa Bình Xanh"),  # a draft
        ("Hòa Bình Xanh, ngày 31 tháng 02 năm 2025", None, "Hòa Bình Xanh"),  # no such day
    ],
)
def test_place_and_date(text, day, place):
    assert _date(text) == (day, place, True)


def test_date_line_needs_day_month_year_words():
    assert _date("Căn cứ Quyết định số 12/2025/QĐ-UBND ngày 02/01/2025") is None


@pytest.mark.parametrize(
    ("block", "issuer", "parent"),
    [
        (["UBND TỈNH HÒA BÌNH XANH", "SỞ NỘI VỤ"], "SỞ NỘI VỤ", "UBND TỈNH HÒA BÌNH XANH"),
        (["ỦY BAN NHÂN DÂN", "XÃ TÂN LẬP"], "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", None),
        (["UBND XÃ TÂN LẬP"], "UBND XÃ TÂN LẬP", None),
        (
            ["UBND TỈNH HÒA BÌNH XANH", "SỞ THÔNG TIN VÀ", "TRUYỀN THÔNG"],
            "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "UBND TỈNH HÒA BÌNH XANH",
        ),
        (["SỞ Y TẾ", "BỆNH VIỆN ĐA KHOA TỈNH"], "BỆNH VIỆN ĐA KHOA TỈNH", "SỞ Y TẾ"),
        (
            ["UBND TỈNH HÒA BÌNH XANH", "SỞ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH"],
            "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
            "UBND TỈNH HÒA BÌNH XANH",
        ),
        (
            ["UBND TỈNH HÒA BÌNH XANH", "_______", "VĂN PHÒNG"],
            "VĂN PHÒNG",
            "UBND TỈNH HÒA BÌNH XANH",
        ),
    ],
)
def test_issuer_and_parent(block, issuer, parent):
    assert _issuer(block) == (issuer, parent)


def _doc(**changes) -> c.Doc:
    return c.Doc(**{**c.DOCS["kh-snv"].__dict__, **changes})


def test_delegated_signing_block_and_two_line_title_from_pdf():
    doc = _doc(
        key="tuq",
        signer_title=("TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
        signer="Đinh Thị Hoa",
        title_lines=("Tổ chức kiểm tra công tác cải cách hành chính", "năm 2025 tại các xã"),
    )
    fields = read_document(c.doc_pdf(doc)).as_json("x")["document"]
    assert fields["signer_title"] == "TUQ. CHỦ TỊCH / CHÁNH VĂN PHÒNG"
    assert fields["signer"] == "Đinh Thị Hoa"
    assert fields["title"] == ("Tổ chức kiểm tra công tác cải cách hành chính năm 2025 tại các xã")


@pytest.mark.parametrize("maker", [c.doc_pdf, c.doc_docx, c.doc_odt])
def test_same_document_same_fields_in_every_text_format(maker):
    doc = c.DOCS["cv-ubnd-xa"]
    assert read_document(maker(doc)).as_json("x")["document"] == doc.truth()


def test_letter_subject_has_no_vv_and_type_is_cong_van():
    fields = read_document(c.doc_docx(c.DOCS["cv-stp"])).as_json("x")["document"]
    assert fields["doc_type"] == "Công văn"
    assert fields["title"].startswith("đề nghị bổ sung")


def test_damaged_and_unsupported_files_are_reported_not_raised():
    pdf = c.doc_pdf(c.DOCS["kh-snv"])
    for data in (pdf[: len(pdf) // 3], b"%PDF-1.4 garbage"):
        reading = read_document(data)
        assert reading.text_source == "none" and reading.document is None
        assert [w["code"] for w in reading.warnings] == ["unreadable"]
    sheet = read_document(xlsx_bytes())
    assert [w["code"] for w in sheet.warnings] == ["unsupported_type"]
    assert sheet.as_json("bang.xlsx") == {
        "file": "bang.xlsx",
        "text_source": "none",
        "document": None,
        "signatures": [],
        "warnings": ["Chưa đọc được nội dung loại tệp này (Excel (.xlsx))."],
    }


def test_unsigned_text_pdf_says_so():
    reading = read_document(c.doc_pdf(c.DOCS["kh-snv"]))
    assert reading.signatures == []
    assert [w["code"] for w in reading.warnings] == ["unsigned"]


def test_signatures_without_configured_roots_are_not_trusted():
    data = c.sign(c.doc_pdf(c.DOCS["bc-stp"]), c.make_pki(), "director")
    reading = read_document(data, trust_roots=[])
    [signature] = reading.signatures
    assert signature.intact and not signature.trusted and not signature.expired
    assert [w["code"] for w in reading.warnings] == ["signature_untrusted"]


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("PHO GLAM ĐỌC", "PHÓ GIÁM ĐỐC"),
        ("KT. GLÁM ĐỐC", "KT. GIÁM ĐỐC"),
        ("CHU TICH", "CHỦ TỊCH"),
        ("GIÁM ĐỐC", "GIÁM ĐỐC"),
        ("BÍ THƯ ĐOÀN", "BÍ THƯ ĐOÀN"),  # not close to a known title: left alone
    ],
)
def test_ocr_slips_in_signing_titles_are_undone(line, fixed):
    assert correct_title_line(line) == fixed


def test_ocr_slips_in_issuer_names_only_one_letter():
    from evidence.reading.header import DocumentFields

    fields = DocumentFields(
        issuer="ỦY BẠN NHÂN DÂN XÃ TÂN LẬP", parent_issuer="UBND TỈNH HÒA BÌNH XANH"
    )
    correct_fields(fields)
    assert fields.issuer == "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    assert fields.parent_issuer == "UBND TỈNH HÒA BÌNH XANH"
    other = DocumentFields(issuer="SỞ NGOẠI VỤ")  # two letters from SỞ NỘI VỤ: a real name
    correct_fields(other)
    assert other.issuer == "SỞ NGOẠI VỤ"


def test_line_geometry_helpers():
    left = Line("SỞ NỘI VỤ", 0, 0.1, 0.35, 0.1, content=True)
    assert left.center == pytest.approx(0.225) and left.width == pytest.approx(0.25)


# --- what a criterion expects of its evidence --------------------------------------------


def test_evidence_rules_parsed_relative_to_the_year():
    rules = evidence_rules(
        {
            "evidence": {
                "issued_from": "01/01/N-1",
                "issued_by": "31/12/N-1",
                "doc_types": ["kế hoạch"],
                "own_issuer": True,
            }
        }
    )
    assert rules.issued_by.resolve(2025) == date(2024, 12, 31)
    assert rules.issued_from.resolve(2025) == date(2024, 1, 1)
    assert rules.doc_types == ("Kế hoạch",) and rules.own_issuer is True
    fixed = evidence_rules({"evidence": {"issued_by": "15/03/2025"}})
    assert fixed.issued_by.resolve(2030) == date(2025, 3, 15)
    assert evidence_rules({"levels": []}).has_date_rule is False


def test_evidence_rules_errors_in_vietnamese():
    assert evidence_rules_errors({"levels": []}) == []
    errors = evidence_rules_errors(
        {
            "evidence": {
                "issued_by": "31/13/N",
                "doc_types": ["Thư tình"],
                "own_issuer": "có",
                "deadline": "x",
            }
        }
    )
    assert len(errors) == 4
    assert any("deadline" in e for e in errors)
    assert any("31/13/N" in e for e in errors)
    assert any("Thư tình" in e for e in errors)
    assert any("own_issuer" in e for e in errors)
    assert evidence_rules_errors({"evidence": "31/12/N-1"})
