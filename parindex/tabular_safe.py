"""User text stays text in every spreadsheet the portal writes (CSV and XLSX).

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is taken for a formula
by Excel and LibreOffice ("CSV injection", OWASP): a comment such as `=HYPERLINK("http://x","y")`
would become a live link or a command in the reader's spreadsheet. Every CSV and XLSX writer of
the portal goes through this module:

- CSV (`csv_writer`): a text value with such a first character gets a leading `'` (OWASP's
  advice), which spreadsheets show as text; `csv_unescape` takes it off again when the portal
  reads its own CSV back (the assignments round trip).
- XLSX (`xlsx_write`, `xlsx_append`): text is stored as a string cell (never a formula or an
  error cell), with Excel's hidden quote prefix when it starts with such a character; the text
  itself is unchanged.

The type decides, not the look: numbers are passed as numbers (int, Decimal, float) and stay
numbers; every str is text, so a comment "-1" is neutralised while a delta Decimal("-2.50")
is written as -2.50. Callers that hold numbers as strings convert them first.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl.cell.cell import Cell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TYPES = (int, float, Decimal)


def csv_cell(value):
    """The value as the CSV module should write it: numbers as they are, text made safe."""
    if value is None:
        return ""
    if isinstance(value, NUMBER_TYPES) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_unescape(text: str) -> str:
    """A cell read back from one of our CSV files, without the quote csv_cell added."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


class SafeCsvWriter:
    """csv.writer whose rows pass through csv_cell, and whose text holding a line break of
    either kind is quoted (the csv module quotes only the characters of its lineterminator,
    so with "\n" a "\r" inside a cell would split the row for every reader)."""

    def __init__(self, out, *, lineterminator: str = "\r\n", **kwargs):
        self._out = out
        self._end = lineterminator
        self._row = io.StringIO()
        self._writer = csv.writer(self._row, lineterminator="\r\n", **kwargs)

    def writerow(self, row):
        self._row.seek(0)
        self._row.truncate()
        self._writer.writerow([csv_cell(value) for value in row])
        line = self._row.getvalue()[: -len("\r\n")] + self._end
        return self._out.write(line)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(out, **kwargs)


def xlsx_value(cell, value):
    """Put value in an openpyxl cell: numbers stay numbers, text is never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=…" a formula and "#N/A" an error cell
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


def xlsx_write(sheet, *, row: int, column: int, value):
    """sheet.cell(row, column, value), made safe; returns the cell."""
    return xlsx_value(sheet.cell(row=row, column=column), value)


def xlsx_append(sheet, values) -> None:
    """sheet.append(values), made safe (openpyxl appends ready-made cells as they are)."""
    sheet.append([xlsx_value(Cell(sheet), value) for value in values])
