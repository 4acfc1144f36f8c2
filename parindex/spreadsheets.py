"""Print set-up shared by every workbook the portal writes (openpyxl).

`workbook_print_setup` is called once per workbook, just before it is saved: every sheet
prints on A4 landscape, fitted to the page width, its header rows repeated on each page,
with the title in the page header and "Trang N / M" in the footer.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet


def _header_rows(sheet) -> int:
    """The rows to repeat: those frozen above the data (the writers freeze their header),
    else the first row."""
    if sheet.freeze_panes:
        _column, row = coordinate_from_string(sheet.freeze_panes)
        return max(1, row - 1)
    return 1


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a header/footer code


def workbook_print_setup(workbook, *, title: str = "") -> None:
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages as the rows need
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"1:{_header_rows(sheet)}"
        sheet.page_margins = PageMargins(
            left=0.5, right=0.5, top=0.8, bottom=0.8, header=0.3, footer=0.3
        )
        sheet.print_options.horizontalCentered = True
        header = sheet.oddHeader
        header.center.text = _header_text(title or sheet.title)
        header.center.size = 10
        header.right.text = "&A"  # the sheet's name
        header.right.size = 9
        footer = sheet.oddFooter
        footer.center.text = _("Trang &P / &N")
        footer.center.size = 9
