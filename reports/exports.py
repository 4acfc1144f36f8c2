"""A Document as an XLSX workbook (openpyxl) or an A4 PDF (WeasyPrint)."""

from __future__ import annotations

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.chart import BarChart as XlsxBarChart
from openpyxl.chart import Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parindex.spreadsheets import workbook_print_setup
from parindex.tabular_safe import xlsx_write

from .charts import svg_bar_chart
from .documents import BAND, DELTA, INT, NUM, PERCENT, Document, band_label

NUMBER_FORMATS = {NUM: "0.00", PERCENT: "0.00", DELTA: "+0.00;-0.00;0.00", INT: "0"}
HEADER_FILL = PatternFill("solid", fgColor="EEF0F3")
HEADER_ROW = 3  # row 1: title, row 2: note, row 3: column headers; frozen below


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


def document_xlsx(document: Document) -> bytes:
    """Every table on its own sheet (real numbers, 0.00 formats, frozen header) + a chart sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in document.tables:
        sheet = workbook.create_sheet(_sheet_title(table.sheet, used))
        xlsx_write(sheet, row=1, column=1, value=table.title).font = Font(bold=True, size=13)
        if table.note:
            xlsx_write(sheet, row=2, column=1, value=table.note).font = Font(italic=True)
        for col, column in enumerate(table.columns, start=1):
            cell = xlsx_write(sheet, row=HEADER_ROW, column=col, value=str(column.label))
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(col)].width = column.width
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
        row_number = HEADER_ROW + 1
        for section in table.sections:
            if section.title:
                xlsx_write(sheet, row=row_number, column=1, value=section.title).font = Font(
                    bold=True
                )
                row_number += 1
            for row in section.rows:
                for col, (value, column) in enumerate(
                    zip(row, table.columns, strict=True), start=1
                ):
                    shown = band_label(value) if column.kind == BAND and value else value
                    cell = xlsx_write(sheet, row=row_number, column=col, value=shown)
                    if column.kind in NUMBER_FORMATS and value is not None:
                        cell.number_format = NUMBER_FORMATS[column.kind]
                row_number += 1
    if document.charts:
        _chart_sheet(workbook, document, used)
    workbook_print_setup(workbook, title=document.title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _chart_sheet(workbook: Workbook, document: Document, used: set[str]) -> None:
    """Each chart's data as a small block, with a native bar chart drawn beside it."""
    sheet = workbook.create_sheet(_sheet_title("Biểu đồ", used))
    sheet.column_dimensions["A"].width = 36
    row = 1
    for chart in document.charts:
        xlsx_write(sheet, row=row, column=1, value=chart.title).font = Font(bold=True)
        header = row + 1
        xlsx_write(sheet, row=header, column=1, value="")
        for col, (name, _values) in enumerate(chart.series, start=2):
            xlsx_write(sheet, row=header, column=col, value=str(name)).font = Font(bold=True)
        for offset, category in enumerate(chart.categories, start=1):
            xlsx_write(sheet, row=header + offset, column=1, value=str(category))
            for col, (_name, values) in enumerate(chart.series, start=2):
                value = values[offset - 1]
                cell = xlsx_write(sheet, row=header + offset, column=col, value=value)
                cell.number_format = "0.00"
        last = header + max(1, len(chart.categories))
        bar = XlsxBarChart()
        bar.type = "bar"
        bar.title = chart.title
        bar.height = max(7.5, 0.6 * len(chart.categories) + 3)
        bar.width = 18
        data = Reference(
            sheet, min_col=2, max_col=1 + len(chart.series), min_row=header, max_row=last
        )
        bar.add_data(data, titles_from_data=True)
        bar.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
        bar.y_axis.numFmt = "0.00"
        sheet.add_chart(bar, f"{get_column_letter(len(chart.series) + 3)}{row}")
        rows_for_chart = int(bar.height / 0.5) + 2
        row = max(last + 2, row + rows_for_chart)


def document_html_context(document: Document) -> dict:
    return {
        "document": document,
        "svgs": [mark_safe(svg_bar_chart(chart)) for chart in document.charts],  # noqa: S308 — built from escaped text only
    }


def document_pdf(document: Document) -> bytes:
    """A4 PDF; wide tables on landscape pages; Noto Sans (DejaVu Sans fallback) for Vietnamese."""
    from weasyprint import HTML  # imported here: loading it is slow and only files need it

    html = render_to_string("reports/pdf/document.html", document_html_context(document))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
