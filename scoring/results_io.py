"""Published results in: reading a results file (CSV / XLSX) and importing a year.

Years before the portal exist only as published tables (index and band; for the oldest years
only the band), PAR-INDEX.md §5. `results_file_read` turns a file into plain rows (strings,
with their line number); `results_import` validates every row, reports ALL errors with their
line numbers, and writes nothing unless the whole file is valid.

File layout: a header row `group_code,group_name,unit_code,unit_name,standard_score,
appraised_score,index,band`, then one row per unit. A row gives standard and appraised scores,
or an index, or only a band.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.tabular_safe import csv_writer
from units.models import Group, Unit

from . import engine
from .enums import Phase, ResultSource, Stage
from .models import Assessment, Period, PeriodGroup, Result
from .selectors import period_thresholds
from .tabular import TableError, line_error, table_read

HEADER = (
    "group_code",
    "group_name",
    "unit_code",
    "unit_name",
    "standard_score",
    "appraised_score",
    "index",
    "band",
)
INDEX_MIN, INDEX_MAX = Decimal("0"), Decimal("200")
# A score above this is a typing error (and would not fit the database column).
SCORE_MAX = Decimal("1000")
# Published index and the one recomputed from the scores may differ by a rounding step.
INDEX_TOLERANCE = Decimal("0.01")
GROUP_CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")

# Band labels as published, once lower-cased and stripped of diacritics and separators.
BAND_ALIASES = {
    "tot": engine.TOT,
    "kha": engine.KHA,
    "trung_binh": engine.TRUNG_BINH,
    "tb": engine.TRUNG_BINH,
    "yeu": engine.YEU,
}


# The import's name for the one error of every table import (all its messages, with lines).
ResultsImportError = TableError


@dataclass(frozen=True)
class ImportSummary:
    year: int
    units: int
    groups: int
    units_created: int
    groups_created: int
    period_created: bool

    def message(self) -> str:
        text = _("Đã nhập %(units)d đơn vị, %(groups)d khối cho năm %(year)d") % {
            "units": self.units,
            "groups": self.groups,
            "year": self.year,
        }
        if self.units_created or self.groups_created:
            text += " " + _("(tạo mới %(units)d đơn vị, %(groups)d khối)") % {
                "units": self.units_created,
                "groups": self.groups_created,
            }
        return text + "."


def band_parse(text) -> str | None:
    """`TỐT`, `Khá`, `TB`, `Trung bình`, `trung_binh`, `yeu`… → a Band value; None if unknown."""
    key = unicodedata.normalize("NFD", str(text or "").strip().lower()).replace("đ", "d")
    key = "".join(ch for ch in key if not unicodedata.combining(ch))
    key = re.sub(r"[\s_\-.]+", "_", key).strip("_")
    return BAND_ALIASES.get(key)


# --- reading files -----------------------------------------------------------------------


def results_file_read(path: str | Path) -> list[dict]:
    """A results file's rows (HEADER columns), read by the one table reader."""
    return table_read(path, header=HEADER)


# --- importing ---------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    group_code: str
    group_name: str
    unit_code: str
    unit_name: str
    standard: Decimal | None
    appraised: Decimal | None
    index: Decimal | None
    band: str
    downgraded: bool
    band_before_downgrade: str | None


def _number(raw, label: str, line: int, errors: list[tuple[int, str]]) -> Decimal | None:
    text = str(raw if raw is not None else "").strip()
    if text == "":
        return None
    try:
        value = engine.to_decimal(raw if isinstance(raw, Decimal | int) else text)
    except (engine.ScoringInputError, ValueError, TypeError):
        errors.append(
            (
                line,
                line_error(
                    line,
                    _("%(label)s “%(value)s” không phải là số.") % {"label": label, "value": text},
                ),
            )
        )
        return None
    if value < 0:
        errors.append(
            (
                line,
                line_error(
                    line,
                    _("%(label)s “%(value)s” không được âm.") % {"label": label, "value": text},
                ),
            )
        )
        return None
    return engine.q2(value)


def _row_parse(
    raw: Mapping,
    line: int,
    *,
    thresholds: engine.BandThresholds,
    cap_at_100: bool,
    errors: list[tuple[int, str]],
) -> _Row | None:
    count_before = len(errors)

    def text(key: str) -> str:
        value = raw.get(key)
        return str(value if value is not None else "").strip()

    def error(message: str) -> None:
        errors.append((line, line_error(line, message)))

    group_code, unit_code = text("group_code"), text("unit_code")
    if not unit_code:
        error(_("thiếu mã đơn vị."))
    elif len(unit_code) > Unit._meta.get_field("code").max_length:
        error(_("mã đơn vị “%(code)s” quá dài.") % {"code": unit_code})
    if not group_code:
        error(_("thiếu mã khối."))
    elif not GROUP_CODE_RE.match(group_code) or len(group_code) > 40:
        error(
            _(
                "mã khối “%(code)s” chỉ được gồm chữ không dấu, số, gạch ngang, gạch dưới "
                "(tối đa 40 ký tự)."
            )
            % {"code": group_code}
        )
    if len(text("unit_name")) > Unit._meta.get_field("name").max_length:
        error(_("tên đơn vị quá dài."))
    if len(text("group_name")) > Group._meta.get_field("name").max_length:
        error(_("tên khối quá dài."))

    standard = _number(raw.get("standard_score"), _("điểm chuẩn"), line, errors)
    appraised = _number(raw.get("appraised_score"), _("điểm đạt"), line, errors)
    index = _number(raw.get("index"), _("chỉ số"), line, errors)
    for label, value in ((_("điểm chuẩn"), standard), (_("điểm đạt"), appraised)):
        if value is not None and value > SCORE_MAX:
            error(
                _("%(label)s %(value)s vượt quá %(max)s điểm.")
                % {
                    "label": label,
                    "value": engine.vn_number(value),
                    "max": engine.vn_number(SCORE_MAX),
                }
            )

    band_text = text("band")
    given_band = band_parse(band_text) if band_text else None
    if band_text and given_band is None:
        error(
            _("xếp loại “%(band)s” không xác định (Tốt, Khá, Trung bình, Yếu).")
            % {"band": band_text}
        )

    has_standard = bool(text("standard_score"))
    has_appraised = bool(text("appraised_score"))
    if has_standard != has_appraised:
        error(_("cần có cả điểm chuẩn và điểm đạt (hoặc bỏ trống cả hai)."))
    elif standard is not None and appraised is not None:
        if standard == 0:
            error(_("điểm chuẩn phải lớn hơn 0."))
        else:
            computed = engine.ratio_index(appraised, standard, cap_at_100=cap_at_100)
            if index is None:
                index = computed
            elif abs(index - computed) > INDEX_TOLERANCE:
                error(
                    _("chỉ số %(given)s không khớp với điểm đạt / điểm chuẩn (%(computed)s).")
                    % {"given": engine.vn_percent(index), "computed": engine.vn_percent(computed)}
                )
    if index is not None and not (INDEX_MIN <= index <= INDEX_MAX):
        error(
            _("chỉ số %(index)s phải nằm trong khoảng 0–200.") % {"index": engine.vn_percent(index)}
        )
    if not (has_standard or text("index") or band_text):
        error(_("cần điểm chuẩn và điểm đạt, hoặc chỉ số, hoặc xếp loại."))

    if len(errors) > count_before:
        return None
    band_from_index = engine.band_for(index, thresholds) if index is not None else None
    band = given_band or band_from_index
    # A published band may include the late-dossier downgrade: keep it, and say so.
    downgraded = bool(
        given_band
        and band_from_index
        and engine.BANDS_HIGH_TO_LOW.index(given_band)
        > engine.BANDS_HIGH_TO_LOW.index(band_from_index)
    )
    return _Row(
        line=line,
        group_code=group_code,
        group_name=text("group_name"),
        unit_code=unit_code,
        unit_name=text("unit_name"),
        standard=standard,
        appraised=appraised,
        index=index,
        band=band,
        downgraded=downgraded,
        band_before_downgrade=band_from_index if downgraded else None,
    )


def _refuse_computed_year(period: Period) -> None:
    computed = (
        Assessment.objects.filter(period=period).exists()
        or Result.objects.filter(period=period).exclude(source=ResultSource.IMPORTED).exists()
    )
    if computed:
        raise ResultsImportError(
            [
                _(
                    "Năm %(year)d đã được đánh giá trên cổng (có hồ sơ đánh giá hoặc kết quả đã "
                    "tính); không thể ghi đè bằng kết quả nhập từ tệp."
                )
                % {"year": period.year}
            ]
        )


@transaction.atomic
def results_import(*, year: int, rows: Iterable[Mapping]) -> ImportSummary:
    """Import a year's published results; all or nothing.

    `rows` are mappings with the HEADER keys (strings or numbers) and optionally `line` (the
    line number shown in messages; by default the position + 2, after a header line).
    Replaces the year's final-stage results; creates missing groups, units, the period (as
    published) and its groups. Raises ResultsImportError listing every bad row.
    """
    if not 1990 <= int(year) <= 2100:
        raise ResultsImportError([_("Năm %(year)s không hợp lệ.") % {"year": year}])
    year = int(year)
    period = Period.objects.select_for_update().filter(year=year).first()
    if period is not None:
        _refuse_computed_year(period)
    settings_source = period or Period(year=year)  # an unsaved period carries the defaults
    thresholds = period_thresholds(settings_source)

    errors: list[tuple[int, str]] = []
    parsed: list[_Row] = []
    first_line_of_unit: dict[str, int] = {}
    # Codes and names of every row, bad or not, so that name checks report on all rows.
    names: list[tuple[int, str, str, str, str]] = []
    for position, raw in enumerate(rows):
        line = int(raw.get("line") or position + 2)
        if any("\x00" in str(value) for value in raw.values() if value is not None):
            errors.append((line, line_error(line, _("có ký tự không hợp lệ (NUL)."))))
            continue
        row = _row_parse(
            raw,
            line,
            thresholds=thresholds,
            cap_at_100=settings_source.cap_index_at_100,
            errors=errors,
        )
        unit_code = str(raw.get("unit_code") or "").strip()
        if unit_code:
            if unit_code in first_line_of_unit:
                errors.append(
                    (
                        line,
                        line_error(
                            line,
                            _("mã đơn vị “%(code)s” trùng với dòng %(first)d.")
                            % {"code": unit_code, "first": first_line_of_unit[unit_code]},
                        ),
                    )
                )
                row = None
            else:
                first_line_of_unit[unit_code] = line
                group_code = str(raw.get("group_code") or "").strip()
                names.append(
                    (
                        line,
                        group_code,
                        str(raw.get("group_name") or "").strip(),
                        unit_code,
                        str(raw.get("unit_name") or "").strip(),
                    )
                )
        if row is not None:
            parsed.append(row)
    if not first_line_of_unit and not errors:
        raise ResultsImportError([_("Tệp không có dòng dữ liệu nào.")])

    groups = {g.code: g for g in Group.objects.filter(code__in={n[1] for n in names})}
    units = {u.code: u for u in Unit.objects.filter(code__in={n[3] for n in names})}
    new_group_names: dict[str, str] = {}
    for line, group_code, group_name, unit_code, unit_name in names:
        if group_code and group_code not in groups and group_code not in new_group_names:
            if not group_name:
                errors.append(
                    (
                        line,
                        line_error(
                            line, _("khối mới “%(code)s” cần có tên khối.") % {"code": group_code}
                        ),
                    )
                )
            new_group_names[group_code] = group_name
        if unit_code not in units and not unit_name:
            errors.append(
                (
                    line,
                    line_error(
                        line, _("đơn vị mới “%(code)s” cần có tên đơn vị.") % {"code": unit_code}
                    ),
                )
            )
    if errors:
        errors.sort(key=lambda item: item[0])
        raise ResultsImportError(message for _line, message in errors)

    # --- writes: the whole file is valid ------------------------------------------------
    period_created = period is None
    if period is None:
        period = Period.objects.create(
            year=year, phase=Phase.PUBLISHED, published_at=timezone.now()
        )
    next_order = (Group.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    for offset, (code, name) in enumerate(new_group_names.items()):
        groups[code] = Group.objects.create(code=code, name=name, order=next_order + offset)

    unit_order: dict[str, int] = defaultdict(int)
    new_units = []
    for row in parsed:
        unit_order[row.group_code] += 1
        if row.unit_code not in units:
            new_units.append(
                Unit(
                    code=row.unit_code,
                    name=row.unit_name,
                    group=groups[row.group_code],
                    order=unit_order[row.group_code],
                )
            )
    Unit.objects.bulk_create(new_units)
    if new_units:
        units.update((u.code, u) for u in Unit.objects.filter(code__in=[u.code for u in new_units]))

    group_codes = list(dict.fromkeys(row.group_code for row in parsed))
    linked = set(PeriodGroup.objects.filter(period=period).values_list("group_id", flat=True))
    PeriodGroup.objects.bulk_create(
        [
            PeriodGroup(period=period, group=groups[code])
            for code in group_codes
            if groups[code].id not in linked
        ]
    )

    indexes_by_group: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for row in parsed:
        indexes_by_group[row.group_code][row.unit_code] = row.index
    standings = engine.group_standings(indexes_by_group)

    Result.objects.filter(period=period, stage=Stage.FINAL).delete()
    Result.objects.bulk_create(
        [
            Result(
                period=period,
                unit=units[row.unit_code],
                group=groups[row.group_code],
                stage=Stage.FINAL,
                standard_score=row.standard,
                appraised_score=row.appraised,
                index=row.index,
                band=row.band,
                downgraded=row.downgraded,
                rank_in_group=standings[row.unit_code].rank,
                group_size=standings[row.unit_code].group_size,
                source=ResultSource.IMPORTED,
                details=(
                    {"band_before_downgrade": row.band_before_downgrade} if row.downgraded else {}
                ),
            )
            for row in parsed
        ]
    )
    return ImportSummary(
        year=year,
        units=len(parsed),
        groups=len(group_codes),
        units_created=len(new_units),
        groups_created=len(new_group_names),
        period_created=period_created,
    )


# --- export -----------------------------------------------------------------------------

RESULTS_CSV_COLUMNS = (
    "unit_code",
    "unit_name",
    "group_code",
    "standard_score",
    "appraised_score",
    "index",
    "band",
    "rank_in_group",
    "group_size",
    "previous_index",
    "delta",
    "previous_band",
    "previous_basis",
    "not_submitted",
    "ranked",
)
# Numbers, written as numbers (the report's 2-decimal strings keep their digits as Decimal);
# every other column is text and goes through tabular_safe (no formula from a unit's name).
RESULTS_CSV_NUMBERS = frozenset(
    {
        "standard_score",
        "appraised_score",
        "index",
        "rank_in_group",
        "group_size",
        "previous_index",
        "delta",
    }
)


def results_csv(report: dict) -> str:
    """A results_report as CSV: one row per unit, RESULTS_CSV_COLUMNS; an empty cell for None.

    The format of `export_results --format csv` and of the open-data CSV.
    """
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(RESULTS_CSV_COLUMNS)
    for unit in report["units"]:
        writer.writerow([_csv_value(c, unit[c]) for c in RESULTS_CSV_COLUMNS])
    return buffer.getvalue()


def _csv_value(column: str, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return Decimal(str(value)) if column in RESULTS_CSV_NUMBERS else value
