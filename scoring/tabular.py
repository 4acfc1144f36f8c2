"""The one reader of every imported table (CSV or XLSX); its writer twin is parindex.tabular_safe.

Every import of the portal reads its file here: the criteria set (criteria_io), published
results (results_io), a year's unit changes (unit_changes), the assignments CSV (appraisal),
SIPAS and one-stop-shop statistics (reports). What it does, so that no import does it again:

- **Formats.** CSV in UTF-8, with or without a BOM, comma- or semicolon-separated (told from
  the header line, which holds no quoted cells, so counting separators there is safe — a
  Vietnamese Excel saves `;` with decimal commas); XLSX (openpyxl, read-only, first sheet,
  cached formula values). Told apart by content (a ZIP is a workbook), or by a `.xlsx` name.
- **A declared header** (`Header`): required and optional columns, matched case- and
  space-insensitively in any order; columns nobody declared are refused (or ignored, when the
  header says other columns may be there); a family of columns by prefix (`max_<group>`).
  The header is the first non-blank row; blank rows are skipped, still counted.
- **Cells as text**, stripped: an XLSX number is written as the user sees it (`12`, `93.43`),
  and a cell formatted as a percent is that percent (0.9343 shown as `93,43%` is `93.43`).
  Numbers in text (`93,43`, `1.234,5`, `93,43%`) are read by `engine.to_decimal`, the one
  parser of numbers typed by people, by each import with its own words.
- **Line numbers as the user sees them**: the row of the sheet; the line of the CSV file where
  the row begins.
- **One error type**, `TableError`, carrying every message (each row's with its line).
- **Caps**: a file over `MAX_BYTES` or with more than `MAX_ROWS` data rows is refused before
  it is read whole.

Pure: no database. Lives in scoring, the lowest app with imports, beside the engine whose
number parser it leaves the numbers to.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parindex.tabular_safe import csv_unescape

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
CSV, XLSX = "csv", "xlsx"


class TableError(ValueError):
    """A table that cannot be imported; `errors` are Vietnamese messages for the user, each
    row's with its line number. Every import raises this one type (under its own name)."""

    def __init__(self, errors: Iterable[str]):
        self.errors = [str(e) for e in errors]
        super().__init__("\n".join(self.errors))


def line_error(line: int, message: str) -> str:
    """A message about one line of the file: `Dòng 5: …`."""
    return _("Dòng %(line)d: %(message)s") % {"line": line, "message": message}


@dataclass(frozen=True)
class Header:
    """The columns a table must have (`required`), may have (`optional`), and whether other
    columns are ignored (`others`) or refused. `family` is the prefix of a family of columns
    (one per group: `max_so`, `max_xa`…; at least one), named in messages by `family_text`."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    others: bool = False
    family: str = ""
    family_text: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


class Table(list):
    """The rows of a table (dicts of text keyed by column, each with its `line`) and the
    table's `columns` in the order of the file."""

    def __init__(self, rows: Iterable[dict] = (), columns: Sequence[str] = ()):
        super().__init__(rows)
        self.columns = list(columns)


def column_key(text) -> str:
    """A header cell as a column name: case, surrounding spaces and a BOM ignored."""
    return str(text if text is not None else "").strip().lstrip("\ufeff").strip().lower()


# --- the header ------------------------------------------------------------------------------


def _declared(name: str, header: Header) -> bool:
    return name in header.columns or bool(header.family and name.startswith(header.family))


def _header_problems(names: list[str], header: Header) -> list[str]:
    named = [n for n in names if n]
    missing = [c for c in header.required if c not in named]
    in_family = [n for n in named if n not in header.columns and _declared(n, header)]
    unknown = [n for n in named if not _declared(n, header) and not header.others]
    repeated = sorted({n for n in named if named.count(n) > 1})
    details = []
    if missing:
        details.append(_("thiếu cột %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        details.append(_("cột không xác định %(cols)s") % {"cols": ", ".join(unknown)})
    if repeated:
        details.append(_("cột lặp lại %(cols)s") % {"cols": ", ".join(repeated)})
    if header.family and (not in_family or any(n == header.family for n in in_family)):
        details.append(_("cần ít nhất một cột %(family)s…") % {"family": header.family})
    return details


def _header_columns(cells: list, line: int, header: Header) -> list[str]:
    """The column of each cell of the header row ("" for a cell outside the declared
    columns, whose values are not read); raises TableError saying what is wrong."""
    names = [column_key(c) for c in cells]
    details = _header_problems(names, header)
    if not details:
        return [n if _declared(n, header) else "" for n in names]
    missing = [c for c in header.required if c not in names]
    if header.others and missing:  # other columns are welcome: say only what is missing
        raise TableError([_("Thiếu cột: %(c)s.") % {"c": ", ".join(missing)}])
    if header.family:
        message = _("tiêu đề phải đúng là: %(columns)s, rồi %(family)s (%(details)s).") % {
            "columns": ", ".join(header.columns),
            "family": header.family_text,
            "details": "; ".join(details),
        }
    else:
        message = _("dòng tiêu đề phải là “%(header)s” (%(details)s).") % {
            "header": ",".join(header.columns),
            "details": "; ".join(details),
        }
    raise TableError([line_error(line, message)])


def _rows(
    lines: Iterator[tuple[int, list]], header: Header, *, positional: bool, max_rows: int
) -> Table:
    """(line, cells) → a Table; the first non-blank row is the header, unless `positional`
    allows a file without one: a first row naming none of the columns is data, and every
    row then holds the columns in the declared order, exactly that many cells."""
    columns: list[str] | None = None
    rows, errors = Table(), []
    by_position = False
    for line, cells in lines:
        if not any(cells):
            continue
        if columns is None:
            names = {column_key(c) for c in cells}
            if positional and not names & set(header.columns):
                columns, by_position = list(header.columns), True
                rows.columns = list(columns)
            else:
                columns = _header_columns(cells, line, header)
                rows.columns = [c for c in columns if c]
                continue
        if by_position and len(cells) != len(columns):
            errors.append(
                line_error(
                    line,
                    _("cần đúng %(n)d cột %(cols)s.")
                    % {"n": len(columns), "cols": ",".join(columns)},
                )
            )
            continue
        if len(rows) == max_rows:
            raise TableError(
                [
                    _("Tệp có quá %(max)d dòng dữ liệu; hãy chia thành nhiều tệp.")
                    % {"max": max_rows}
                ]
            )
        row = dict.fromkeys((*header.columns, *rows.columns), "")
        for position, column in enumerate(columns):
            if column and position < len(cells):
                row[column] = cells[position]
        row["line"] = line
        rows.append(row)
    if columns is None and not positional:
        raise TableError([_("Tệp trống: không có dòng tiêu đề.")])
    if errors:
        raise TableError(errors)
    return rows


# --- CSV -------------------------------------------------------------------------------------


def _csv_lines(data: bytes, *, unescape: bool) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError([_("Tệp CSV phải được mã hóa UTF-8.")]) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TableError(
                [line_error(start, _("lỗi định dạng CSV (%(e)s).") % {"e": exc})]
            ) from None
        cleaned = [(csv_unescape(c) if unescape else c).strip() for c in cells]
        yield start, cleaned
        start = reader.line_num + 1


# --- XLSX ------------------------------------------------------------------------------------


def xlsx_cell_text(cell) -> str:
    """An XLSX cell as text: numbers as written (`12`, `93.43`), a percent cell as its
    percent (0.9343 shown as 93,43% → `93.43`), a date as shown in Vietnam (`21/01/2020`),
    text stripped."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if "%" in (getattr(cell, "number_format", "") or ""):
            number *= 100
        number = number.normalize()
        return format(number, "f") if number == number.to_integral_value() else str(number)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises zip, XML, key and index errors alike for a bad file
        raise TableError([_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.")]) from None
    try:
        for line, cells in enumerate(sheet.iter_rows(), start=1):
            yield line, [xlsx_cell_text(cell) for cell in cells]
    except Exception:  # a sheet that breaks off in the middle
        raise TableError([_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.")]) from None
    finally:
        workbook.close()


# --- reading ---------------------------------------------------------------------------------


def _bytes_of(source, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(max_bytes + 1)
    else:
        with Path(source).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableError(
            [
                _("Tệp quá lớn (tối đa %(mb)s MB).")
                % {"mb": f"{max_bytes / 1048576:g}".replace(".", ",")}
            ]
        )
    return data


def table_read(
    source,
    *,
    header: Header | Sequence[str],
    name: str = "",
    formats: Sequence[str] = (CSV, XLSX),
    positional: bool = False,
    unescape: bool = False,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> Table:
    """A table file's rows: dicts of text keyed by the header's columns (a missing optional
    column or cell is ""), each with its `line`; raises TableError.

    `source` is a path, the file's bytes or an open binary file; `name` (the uploaded file's
    name) makes a `.xlsx` be read as a workbook whatever its content. `formats` limits what
    is accepted (the criteria set is a workbook only). `positional`: the header row may be
    left out, the columns then in the declared order (exactly that many cells a row).
    `unescape`: a CSV the portal wrote (parindex.tabular_safe) loses its formula guards.
    """
    if not isinstance(header, Header):
        header = Header(required=tuple(header))
    data = _bytes_of(source, max_bytes)
    is_xlsx = data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm"))
    if is_xlsx and XLSX not in formats or not is_xlsx and CSV not in formats:
        if XLSX in formats:
            raise TableError([_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.")])
        raise TableError([_("Tệp phải là tệp CSV.")])
    lines = _xlsx_lines(data) if is_xlsx else _csv_lines(data, unescape=unescape)
    return _rows(lines, header, positional=positional, max_rows=max_rows)
