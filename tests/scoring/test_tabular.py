"""The one table reader (scoring.tabular): formats, header, cells, line numbers, caps."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from scoring import engine
from scoring.tabular import CSV, XLSX, Header, TableError, table_read

HEADER = ("unit_code", "index")


def _xlsx(rows, formats: dict | None = None) -> bytes:
    """A workbook of `rows`; `formats` gives a number format per (row, column), 1-based."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _errors(*args, **kwargs) -> list[str]:
    with pytest.raises(TableError) as caught:
        table_read(*args, **kwargs)
    return caught.value.errors


def test_csv_with_bom_semicolons_and_decimal_commas():
    data = "\ufeffUnit_Code ; INDEX\nA;93,43\nB;1.234,5\nC;93,43%\n".encode()
    rows = table_read(data, header=HEADER)
    assert [(r["unit_code"], r["index"], r["line"]) for r in rows] == [
        ("A", "93,43", 2),
        ("B", "1.234,5", 3),
        ("C", "93,43%", 4),
    ]
    # The numbers are read by the engine's one parser of typed numbers.
    assert [engine.to_decimal(r["index"]) for r in rows] == [
        Decimal("93.43"),
        Decimal("1234.5"),
        Decimal("93.43"),
    ]
    assert rows.columns == ["unit_code", "index"]


def test_csv_with_commas_and_quoted_decimal_commas_without_bom():
    rows = table_read(b'index,unit_code\n"93,43",A\n', header=HEADER)
    assert rows == [{"unit_code": "A", "index": "93,43", "line": 2}]


def test_xlsx_percent_cell_is_its_percent_and_numbers_read_as_written():
    data = _xlsx(
        [
            ["unit_code", "index"],
            ["A", 0.9343],  # shown as 93,43%
            ["B", 93.43],
            ["C", "93,43%"],
            ["D", 100.0],
            ["E", 12],
        ],
        formats={(2, 2): "0.00%"},
    )
    rows = table_read(data, header=HEADER)
    assert [r["index"] for r in rows] == ["93.43", "93.43", "93,43%", "100", "12"]
    assert {engine.to_decimal(r["index"]) for r in rows[:3]} == {Decimal("93.43")}


def test_xlsx_dates_read_as_shown_in_vietnam():
    data = _xlsx([["unit_code", "index"], ["A", dt.datetime(2020, 1, 21)]])
    assert table_read(data, header=HEADER)[0]["index"] == "21/01/2020"


def test_blank_rows_skipped_but_counted_and_optional_columns_empty():
    data = b"\n\nunit_code\n\nA\n  \nB\n"
    rows = table_read(data, header=Header(required=("unit_code",), optional=("index",)))
    assert rows == [
        {"unit_code": "A", "index": "", "line": 5},
        {"unit_code": "B", "index": "", "line": 7},
    ]


def test_csv_line_is_where_the_row_begins():
    data = b'unit_code,index\n"A\nhai dong",1\nB,2\n'
    rows = table_read(data, header=HEADER)
    assert [(r["unit_code"], r["line"]) for r in rows] == [("A\nhai dong", 2), ("B", 4)]


def test_wrong_header_names_what_is_missing_unknown_and_repeated():
    errors = _errors(b"\nma,index,index\nA,1,2\n", header=HEADER)
    assert errors == [
        "Dòng 2: dòng tiêu đề phải là “unit_code,index” (thiếu cột unit_code; "
        "cột không xác định ma; cột lặp lại index)."
    ]


def test_header_open_to_other_columns_says_only_what_is_missing():
    header = Header(required=HEADER, others=True)
    rows = table_read(b"ten,unit_code,index\nSo A,A,90\n", header=header)
    assert rows == [{"unit_code": "A", "index": "90", "line": 2}]
    assert _errors(b"ten,unit_code\nSo A,A\n", header=header) == ["Thiếu cột: index."]


def test_family_of_columns_by_prefix():
    header = Header(required=("code",), family="max_", family_text="một cột max_<khối>")
    rows = table_read(_xlsx([["code", "MAX_so", "max_xa"], ["1", 2, None]]), header=header)
    assert rows.columns == ["code", "max_so", "max_xa"]
    assert rows == [{"code": "1", "max_so": "2", "max_xa": "", "line": 2}]
    errors = _errors(_xlsx([["code", "khac"], ["1", 2]]), header=header)
    assert errors == [
        "Dòng 1: tiêu đề phải đúng là: code, rồi một cột max_<khối> "
        "(cột không xác định khac; cần ít nhất một cột max_…)."
    ]


def test_empty_file_and_header_only():
    assert _errors(b"", header=HEADER) == ["Tệp trống: không có dòng tiêu đề."]
    assert _errors(b"\n \n", header=HEADER) == ["Tệp trống: không có dòng tiêu đề."]
    assert _errors(_xlsx([]), header=HEADER) == ["Tệp trống: không có dòng tiêu đề."]
    assert table_read(b"unit_code,index\n", header=HEADER) == []


def test_not_utf8_not_a_workbook_and_formats_refused():
    assert _errors("unit_code,index\nSở Tư pháp,1\n".encode("utf-16"), header=HEADER) == [
        "Tệp CSV phải được mã hóa UTF-8."
    ]
    broken = _xlsx([["unit_code", "index"]])[:200]
    assert _errors(broken, header=HEADER) == ["Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."]
    # A file named .xlsx is a workbook, whatever it holds.
    assert _errors(b"unit_code,index\n", header=HEADER, name="KQ.XLSX") == [
        "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."
    ]
    assert _errors(b"unit_code,index\n", header=HEADER, formats=(XLSX,)) == [
        "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."
    ]
    assert _errors(_xlsx([["unit_code", "index"]]), header=HEADER, formats=(CSV,)) == [
        "Tệp phải là tệp CSV."
    ]


def test_too_large_and_too_many_rows_are_refused():
    data = b"unit_code,index\n" + b"A,1\n" * 100
    assert _errors(data, header=HEADER, max_bytes=len(data) - 1)[0].startswith("Tệp quá lớn")
    assert len(table_read(data, header=HEADER, max_bytes=len(data))) == 100
    assert _errors(data, header=HEADER, max_rows=99) == [
        "Tệp có quá 99 dòng dữ liệu; hãy chia thành nhiều tệp."
    ]
    assert len(table_read(data, header=HEADER, max_rows=100)) == 100
    # An open file is read only up to the cap.
    assert _errors(io.BytesIO(data), header=HEADER, max_bytes=10)[0].startswith("Tệp quá lớn")


def test_positional_rows_without_header_each_bad_row_numbered():
    header = Header(required=("field_code", "unit_code", "appraiser_username"))
    rows = table_read(b"2,SOTC,an\n\n3,SOTP,binh\n", header=header, positional=True)
    assert [(r["field_code"], r["line"]) for r in rows] == [("2", 1), ("3", 3)]
    errors = _errors(b"2,SOTC\n3,SOTP,binh\n4,SOTP,binh,x\n", header=header, positional=True)
    assert errors == [
        "Dòng 1: cần đúng 3 cột field_code,unit_code,appraiser_username.",
        "Dòng 3: cần đúng 3 cột field_code,unit_code,appraiser_username.",
    ]
    # With its header, the same file is read by the header.
    rows = table_read(
        b"unit_code,field_code,appraiser_username\nSOTC,2,an\n", header=header, positional=True
    )
    assert rows == [{"field_code": "2", "unit_code": "SOTC", "appraiser_username": "an", "line": 2}]
    assert table_read(b"", header=header, positional=True) == []


def test_unescape_takes_off_the_formula_guard_of_our_own_csv():
    data = b"unit_code,index\n'=A1,'-2\n"
    assert table_read(data, header=HEADER)[0]["unit_code"] == "'=A1"
    assert table_read(data, header=HEADER, unescape=True)[0] == {
        "unit_code": "=A1",
        "index": "-2",
        "line": 2,
    }


def test_a_path_and_bytes_read_the_same(tmp_path):
    path = tmp_path / "kq.csv"
    path.write_bytes(b"unit_code,index\nA,1\n")
    assert table_read(path, header=HEADER) == table_read(str(path), header=HEADER)
    assert table_read(path, header=HEADER) == table_read(path.read_bytes(), header=HEADER)


@pytest.mark.django_db
def test_sipas_percent_cell_imported_as_its_percent():
    """The SIPAS import (reports) reads a percent cell as the workbook shows it."""
    from reports.services import sipas_import
    from scoring.models import Assessment
    from tests.factories import make_assessment, make_group, make_period, make_unit

    group = make_group()
    period = make_period(2025, groups=[group])
    make_assessment(period, make_unit(group, "A"))
    content = _xlsx([["unit_code", "sipas"], ["A", 0.9343]], formats={(2, 2): "0.00%"})
    sipas_import(actor=None, period=period, content=content, filename="sipas.xlsx")
    assert Assessment.objects.get(unit__code="A").sipas == Decimal("93.43")
