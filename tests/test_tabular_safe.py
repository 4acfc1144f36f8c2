"""parindex.tabular_safe: text is never a formula, numbers stay numbers, rows stay rows."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from parindex.tabular_safe import csv_cell, csv_unescape, csv_writer, xlsx_append, xlsx_write

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_cell_escapes_text_by_type_not_by_look():
    for text in DANGEROUS:
        assert csv_cell(text) == "'" + text
        assert csv_unescape(csv_cell(text)) == text
    assert csv_cell(Decimal("-2.50")) == Decimal("-2.50")  # a number, written -2.50
    assert csv_cell(-1) == -1 and csv_cell(0.5) == 0.5
    assert csv_cell(None) == "" and csv_cell("Sở Y tế") == "Sở Y tế"
    assert csv_cell("a=b") == "a=b" and csv_unescape("'quoted") == "'quoted"


def test_csv_writer_keeps_rows_whole_with_either_line_break():
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["a\rb", "c\nd", "=1+1", Decimal("-3.00")])
    writer.writerow(["x"])
    assert out.getvalue().endswith("\nx\n")
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows == [["a\rb", "c\nd", "'=1+1", "-3.00"], ["x"]]


def test_xlsx_text_is_a_string_cell_and_numbers_are_numbers():
    workbook = Workbook()
    sheet = workbook.active
    xlsx_append(sheet, [*DANGEROUS, "#N/A", Decimal("-2.5"), 7])
    xlsx_write(sheet, row=3, column=2, value="=SUM(A1:A2)")
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue()), data_only=False).active
    row = [cell for cell in read[1]]
    assert [c.value for c in row[:7]] == [*DANGEROUS, "#N/A"]
    assert all(c.data_type == "s" for c in row[:7])
    assert all(c.quotePrefix for c in row[:6]) and not row[6].quotePrefix
    assert (row[7].value, row[7].data_type) == (-2.5, "n")
    assert (row[8].value, row[8].data_type) == (7, "n")
    assert read["B3"].value == "=SUM(A1:A2)" and read["B3"].data_type == "s"
