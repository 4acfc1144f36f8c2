"""The index engine: PAR-INDEX.md §3 over Decimal, free of the database.

Every rounding in the portal goes through `q2`. Inputs are plain dataclasses, so the same
functions serve the index job, the live running total of the agency workspace, the import of
published years and the reports.

Conventions
- A deduction leaf's value is the positive number of points taken off.
- A leaf with no value yet counts 0 toward the score; its maximum still counts toward the
  standard score if it applies.
- Bands are the strings of `scoring.enums.Band` ("tot", "kha", "trung_binh", "yeu").
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")
# No score, index or dossier count comes near this; larger input is a typing error (and
# would exceed the decimal context's precision when rounded).
LARGEST = Decimal("1e15")

TOT, KHA, TRUNG_BINH, YEU = "tot", "kha", "trung_binh", "yeu"
BANDS_HIGH_TO_LOW = (TOT, KHA, TRUNG_BINH, YEU)

SCORED, BONUS, DEDUCTION = "scored", "bonus", "deduction"


class ScoringInputError(ValueError):
    """Entered figures that cannot be scored; the message is for the user (Vietnamese)."""


def q2(value: Decimal | int | str) -> Decimal:
    """The one rounding function: half-up to 2 decimals."""
    if type(value) is not Decimal:  # the index job calls this a million times: skip the copy
        value = Decimal(value)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def to_decimal(value, *, label: str = "") -> Decimal:
    """Parse a user-entered number: accepts a decimal comma and a trailing %."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ScoringInputError(_("%(label)s phải là một số.") % {"label": label or _("Giá trị")})
    elif isinstance(value, int):
        result = Decimal(value)
    else:
        text = str(value if value is not None else "").strip().replace("\u00a0", "")
        text = text.rstrip("%").strip().replace(" ", "")
        if "," in text and "." in text:
            # 1.234,5 (Vietnamese) or 1,234.5 (English): the last separator is the decimal.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            result = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ScoringInputError(
                _("%(label)s “%(value)s” không phải là một số hợp lệ.")
                % {"label": label or _("Giá trị"), "value": value}
            ) from None
    if not result.is_finite():
        raise ScoringInputError(
            _("%(label)s phải là một số hữu hạn.") % {"label": label or _("Giá trị")}
        )
    if abs(result) >= LARGEST:
        raise ScoringInputError(_("%(label)s quá lớn.") % {"label": label or _("Giá trị")})
    return result


# --- bands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandThresholds:
    tot: Decimal = Decimal("85")
    kha: Decimal = Decimal("75")
    trung_binh: Decimal = Decimal("60")


def band_for(index: Decimal, thresholds: BandThresholds = BandThresholds()) -> str:
    """Band of a (rounded) index."""
    index = q2(index)
    if index >= thresholds.tot:
        return TOT
    if index >= thresholds.kha:
        return KHA
    if index >= thresholds.trung_binh:
        return TRUNG_BINH
    return YEU


def band_below(band: str) -> str:
    position = BANDS_HIGH_TO_LOW.index(band)
    return BANDS_HIGH_TO_LOW[min(position + 1, len(BANDS_HIGH_TO_LOW) - 1)]


def apply_downgrade(
    band: str, late_percent: Decimal | None, threshold_percent: Decimal | None
) -> tuple[str, bool]:
    """Late-dossier rule: share of late dossiers ≥ threshold drops one band (not below Yếu)."""
    if late_percent is None or threshold_percent is None:
        return band, False
    if Decimal(late_percent) >= Decimal(threshold_percent):
        lower = band_below(band)
        return lower, lower != band
    return band, False


# --- leaf points -------------------------------------------------------------------------


def _fraction_table(table: Sequence[Mapping], value: Decimal) -> Decimal:
    """Rows {"min": x, "fraction": f}: the first row (highest min first) with value ≥ min."""
    for row in sorted(table, key=lambda r: Decimal(str(r["min"])), reverse=True):
        if value >= Decimal(str(row["min"])):
            return Decimal(str(row["fraction"]))
    return ZERO


def _check_step(value: Decimal, step: Decimal, maximum: Decimal, label: str) -> Decimal:
    if value < 0:
        raise ScoringInputError(_("%(label)s không được âm.") % {"label": label})
    if value > maximum:
        raise ScoringInputError(
            _("%(label)s %(value)s vượt quá điểm tối đa %(max)s.")
            % {"label": label, "value": vn_number(value), "max": vn_number(maximum)}
        )
    if step > 0 and (value / step) != (value / step).to_integral_value():
        raise ScoringInputError(
            _("%(label)s phải chấm theo bước %(step)s điểm.")
            % {"label": label, "step": vn_number(step)}
        )
    return q2(value)


def _count(inputs: Mapping, key: str = "count") -> int:
    raw = inputs.get(key)
    try:
        count = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ScoringInputError(_("Số lượng phải là số nguyên không âm.")) from None
    if count < 0 or str(raw).strip().startswith("-"):
        raise ScoringInputError(_("Số lượng phải là số nguyên không âm."))
    return count


def leaf_points(method: str, params: Mapping, maximum: Decimal, inputs: Mapping) -> Decimal:
    """Points of a leaf from what was entered, by its scoring method (PAR-INDEX.md §2).

    - yes_no: inputs {"answer": true|false} → max or 0.
    - levels: params {"levels": [{"key", "label", "fraction"}]}; inputs {"level": key}
      → fraction × max.
    - manual / bonus: params {"step": "0.25"}; inputs {"value": "1,5"} in [0, max] at the step.
    - ratio: inputs {"numerator", "denominator"}; params {"threshold": "95"} (≥ X% → max,
      below → ratio × max / X%) or {"table": [{"min": "95", "fraction": "1"}, …]}.
    - survey: inputs {"sipas": "82,5"} (a percentage); params {"table": […]} as for ratio,
      or {"full_at": "90"} (linear below).
    - count: params {"per_item": "0.5"}; inputs {"count": n} → min(max, n × per_item).
    - deduction: params {"per_item": "2"}; inputs {"count": n} → min(max, n × per_item)
      points taken off.
    """
    maximum = Decimal(maximum)
    label = _("Điểm")
    if method == "yes_no":
        answer = inputs.get("answer")
        if isinstance(answer, str):
            answer = {
                "true": True,
                "co": True,
                "có": True,
                "1": True,
                "yes": True,
                "false": False,
                "khong": False,
                "không": False,
                "0": False,
                "no": False,
            }.get(answer.strip().lower())
        if answer not in (True, False):
            raise ScoringInputError(_("Hãy chọn Có hoặc Không."))
        return q2(maximum if answer else ZERO)
    if method == "levels":
        key = str(inputs.get("level", ""))
        for level in params.get("levels", []):
            if str(level["key"]) == key:
                return q2(maximum * Decimal(str(level["fraction"])))
        raise ScoringInputError(_("Hãy chọn một mức trong danh sách."))
    if method in ("manual", "bonus"):
        if inputs.get("value") in (None, ""):
            raise ScoringInputError(_("Hãy nhập điểm."))
        value = to_decimal(inputs.get("value"), label=label)
        return _check_step(value, Decimal(str(params.get("step", "0.25"))), maximum, label)
    if method == "ratio":
        numerator = to_decimal(inputs.get("numerator"), label=_("Tử số"))
        denominator = to_decimal(inputs.get("denominator"), label=_("Mẫu số"))
        if denominator <= 0:
            raise ScoringInputError(
                _("Mẫu số phải lớn hơn 0; nếu không phát sinh, hãy đề nghị giảm trừ.")
            )
        if numerator < 0 or numerator > denominator:
            raise ScoringInputError(_("Tử số phải nằm trong khoảng từ 0 đến mẫu số."))
        percent = numerator / denominator * HUNDRED
        if "table" in params:
            return q2(maximum * _fraction_table(params["table"], percent))
        threshold = Decimal(str(params.get("threshold", "100")))
        if percent >= threshold:
            return q2(maximum)
        return q2(percent * maximum / threshold)
    if method == "survey":
        sipas = to_decimal(inputs.get("sipas"), label=_("Chỉ số hài lòng"))
        if sipas < 0 or sipas > HUNDRED:
            raise ScoringInputError(_("Chỉ số hài lòng phải từ 0 đến 100%."))
        if "table" in params:
            return q2(maximum * _fraction_table(params["table"], sipas))
        full_at = Decimal(str(params.get("full_at", "100")))
        return q2(maximum if sipas >= full_at else sipas * maximum / full_at)
    if method in ("count", "deduction"):
        count = _count(inputs)
        per_item = Decimal(str(params.get("per_item", "1")))
        return q2(min(maximum, per_item * count))
    raise ScoringInputError(_("Phương pháp chấm không xác định: %(m)s") % {"m": method})


# --- a unit's score ----------------------------------------------------------------------


@dataclass(frozen=True)
class LeafLine:
    """One leaf of one unit at one stage.

    `ancestors` are the codes of the field and criterion the leaf sits under (for the
    sub-indexes); `exempt` is true when the leaf or any ancestor is exempt for the unit.
    """

    code: str
    maximum: Decimal
    value: Decimal | None = None
    kind: str = SCORED
    exempt: bool = False
    ancestors: tuple[str, ...] = ()


class NodeIndex(NamedTuple):
    """A field's or criterion's sums and sub-index (a tuple: the job builds ~350,000)."""

    standard: Decimal
    score: Decimal
    index: Decimal | None


@dataclass(frozen=True)
class UnitScore:
    standard: Decimal
    appraised: Decimal
    index: Decimal | None
    scored: Decimal
    bonus_claimed: Decimal
    bonus_counted: Decimal
    deductions: Decimal
    sub_indexes: dict[str, NodeIndex] = field(default_factory=dict)


def ratio_index(score: Decimal, standard: Decimal, *, cap_at_100: bool = False) -> Decimal | None:
    """score / standard × 100, rounded; None when there is no standard."""
    if standard <= 0:
        return None
    index = q2(
        score * HUNDRED / standard
        if type(score) is Decimal
        else Decimal(score) * HUNDRED / Decimal(standard)
    )
    if cap_at_100 and index > HUNDRED:
        return q2(HUNDRED)
    return index


def unit_score(
    leaves: Iterable[LeafLine], *, bonus_cap: Decimal, cap_at_100: bool = True
) -> UnitScore:
    """Standard score, appraised score with capped bonus and deductions, index, sub-indexes."""
    sums = ScoreSums()
    for leaf in leaves:
        if not leaf.exempt:
            sums.add(leaf.kind, Decimal(leaf.maximum), leaf.value, leaf.ancestors)
    return unit_score_from_sums(sums, bonus_cap=bonus_cap, cap_at_100=cap_at_100)


@dataclass
class ScoreSums:
    """Running sums of a unit's applicable, non-exempt leaves (what `unit_score` needs).

    The index job fills these from sums the database aggregates; `unit_score` from leaves.
    """

    standard: Decimal = ZERO
    scored: Decimal = ZERO
    bonus: Decimal = ZERO
    deductions: Decimal = ZERO
    node_standard: dict[str, Decimal] = field(default_factory=dict)
    node_score: dict[str, Decimal] = field(default_factory=dict)

    def add(
        self,
        kind: str,
        maximum: Decimal,
        value: Decimal | None,
        ancestors: Iterable[str] = (),
        sign: int = 1,
    ) -> None:
        """Add (sign=1) or take away (sign=-1) one leaf's maximum and value."""
        if value is None:
            value = ZERO
        elif sign != 1 or type(value) is not Decimal:
            value = Decimal(value) * sign
        if kind == BONUS:
            self.bonus += value
        elif kind == DEDUCTION:
            self.deductions += value
        elif not maximum and sign == 1:  # a value alone (the job's database sums)
            self.scored += value
            node_score = self.node_score
            for code in ancestors:
                node_score[code] = node_score.get(code, ZERO) + value
        else:
            maximum = Decimal(maximum) * sign
            self.standard += maximum
            self.scored += value
            for code in ancestors:
                self.node_standard[code] = self.node_standard.get(code, ZERO) + maximum
                self.node_score[code] = self.node_score.get(code, ZERO) + value


def unit_score_from_sums(
    sums: ScoreSums, *, bonus_cap: Decimal, cap_at_100: bool = True
) -> UnitScore:
    bonus_counted = min(sums.bonus, Decimal(bonus_cap))
    appraised = q2(sums.scored + bonus_counted - sums.deductions)
    sub_indexes = {
        code: NodeIndex(
            standard=q2(standard),
            score=q2(sums.node_score.get(code, ZERO)),
            index=ratio_index(sums.node_score.get(code, ZERO), standard),
        )
        for code, standard in sums.node_standard.items()
        if standard > 0
    }
    return UnitScore(
        standard=q2(sums.standard),
        appraised=appraised,
        index=ratio_index(appraised, sums.standard, cap_at_100=cap_at_100),
        scored=q2(sums.scored),
        bonus_claimed=q2(sums.bonus),
        bonus_counted=q2(bonus_counted),
        deductions=q2(sums.deductions),
        sub_indexes=sub_indexes,
    )


# --- ranks, means, year over year --------------------------------------------------------


def competition_ranks(
    indexes: Mapping[Hashable, Decimal | None], left_out: Collection[Hashable] = ()
) -> dict[Hashable, int | None]:
    """Rank by index, descending; equal indexes share a rank (1, 1, 3). None is unranked,
    and so is a key in `left_out` (a unit left out of the ranking: it takes no place)."""
    ranked = sorted(
        (
            (key, q2(value))
            for key, value in indexes.items()
            if value is not None and key not in left_out
        ),
        key=lambda item: item[1],
        reverse=True,
    )
    ranks: dict[Hashable, int | None] = {key: None for key in indexes}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ranked, start=1):
        if value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks


def ranked_only(values: Mapping[Hashable, object], left_out: Collection[Hashable]) -> list:
    """The values of the units that count in their group: a unit left out of the ranking
    (one that never submitted, in a year that leaves such units out) counts in no rank,
    group size, group mean or band count."""
    return [value for key, value in values.items() if key not in left_out]


class Standing(NamedTuple):
    rank: int | None
    group_size: int  # the units ranked in the group


def group_standings(
    indexes_by_group: Mapping[Hashable, Mapping[Hashable, Decimal | None]],
    left_out: Collection[Hashable] = (),
) -> dict[Hashable, Standing]:
    """Each unit's rank in its group and the size of its group's ranking, for
    {group: {unit: index}}; the units in `left_out` get no rank and are not counted."""
    standings: dict[Hashable, Standing] = {}
    for indexes in indexes_by_group.values():
        ranks = competition_ranks(indexes, left_out)
        size = len(ranked_only(indexes, left_out))
        for key in indexes:
            standings[key] = Standing(ranks[key], size)
    return standings


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """Arithmetic mean of the known values, rounded; None when none is known."""
    known = [Decimal(v) for v in values if v is not None]
    if not known:
        return None
    return q2(sum(known, ZERO) / len(known))


def overall_mean(group_means: Iterable[Decimal | None]) -> Decimal | None:
    """The overall mean (trung bình chung) is the mean of the group means, not of all units."""
    return mean(group_means)


def delta(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return q2(Decimal(current) - Decimal(previous))


def units_up_down(deltas: Iterable[Decimal | None]) -> tuple[int, int]:
    up = down = 0
    for value in deltas:
        if value is None:
            continue
        if value > 0:
            up += 1
        elif value < 0:
            down += 1
    return up, down


def band_counts(bands: Iterable[str | None]) -> dict[str, int]:
    counts = {band: 0 for band in BANDS_HIGH_TO_LOW}
    for band in bands:
        if band in counts:
            counts[band] += 1
    return counts


def band_history(bands_by_year: Mapping[int, str | None], years: Sequence[int]) -> list[str | None]:
    """Bands of the given years in that order (None where the unit was not ranked)."""
    return [bands_by_year.get(year) for year in years]


def two_consecutive_low(bands_by_year: Mapping[int, str | None], year: int) -> bool:
    """Accountability: Trung bình or Yếu in `year` and in `year - 1`."""
    low = {TRUNG_BINH, YEU}
    return bands_by_year.get(year) in low and bands_by_year.get(year - 1) in low


def same_band_years(bands: Sequence[str | None]) -> int:
    """Years running, up to the last of `bands` (oldest first), with the same band (0: none)."""
    count = 0
    for band in reversed(bands):
        if band is None or (count and band != bands[-1]):
            break
        count += 1
    return count


# --- lineage: a unit's figures in the years before a reorganisation -------------------------

# What a unit's year-over-year figures are compared with (units.enums.LineageBasis, plus SAME).
SAME, PREDECESSOR, MEAN, NONE = "same", "predecessor", "mean", "none"


@dataclass(frozen=True)
class Lineage:
    """How a unit of a year continues units of the year before (units.UnitChange, passed in).

    `basis` is PREDECESSOR (compare with `basis_unit`), MEAN (the mean of the predecessors'
    indexes) or NONE (a new unit: no comparison).
    """

    basis: str
    predecessors: tuple[Hashable, ...] = ()
    basis_unit: Hashable | None = None


class PastFigure(NamedTuple):
    index: Decimal | None
    band: str | None


NO_FIGURE = PastFigure(None, None)


def comparison_basis(
    unit: Hashable, year: int, lineage: Mapping[tuple[int, Hashable], Lineage]
) -> tuple[str, tuple[Hashable, ...]]:
    """The basis of `unit` of `year` against `year − 1` and the units it is compared with.

    No lineage entry, or the unit as its own sole predecessor (a group change, a new name
    under the same code): SAME, the unit itself.
    """
    change = lineage.get((year, unit))
    if change is None or (change.basis != NONE and change.predecessors == (unit,)):
        return SAME, (unit,)
    if change.basis == NONE:
        return NONE, ()
    if change.basis == PREDECESSOR:
        return PREDECESSOR, (change.basis_unit,)
    return MEAN, tuple(change.predecessors)


def past_figure(
    unit: Hashable,
    year: int,
    past_year: int,
    *,
    lineage: Mapping[tuple[int, Hashable], Lineage],
    figures: Mapping[tuple[int, Hashable], PastFigure],
    thresholds: Mapping[int, BandThresholds],
) -> PastFigure:
    """What `unit` of `year` is compared with in `past_year` (< year), following lineage.

    `figures` are the stored results {(year, unit): PastFigure}; `thresholds` the band
    thresholds per year. SAME and PREDECESSOR take the unit's figure (its band as published,
    downgrade included); MEAN the mean of the predecessors' known indexes (`mean`, rounded by
    `q2`) with the band of that mean under `past_year`'s thresholds (no downgrade: that rule
    is about a unit's own late dossiers); NONE has no figure. Further back, each unit is
    followed through its own lineage of the year before, the same way.
    """
    basis, sources = comparison_basis(unit, year, lineage)
    if basis == NONE:
        return NO_FIGURE
    step = year - 1
    found = [
        figures.get((step, source), NO_FIGURE)
        if step == past_year
        else past_figure(
            source, step, past_year, lineage=lineage, figures=figures, thresholds=thresholds
        )
        for source in sources
    ]
    if basis != MEAN:
        return found[0]
    index = mean(figure.index for figure in found)
    if index is None:
        return NO_FIGURE
    return PastFigure(index, band_for(index, thresholds.get(past_year, BandThresholds())))


def head_cannot_be_rated_excellent(band: str | None) -> bool:
    """A head cannot be rated “hoàn thành tốt nhiệm vụ” if the unit is Trung bình or below."""
    return band in {TRUNG_BINH, YEU}


# --- display -----------------------------------------------------------------------------


def vn_number(value: Decimal | None, places: int = 2) -> str:
    """Vietnamese display: decimal comma, dot for thousands (1.234,50)."""
    if value is None or value == "":
        return ""
    text = f"{q2(value):,.{places}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def vn_percent(value: Decimal | None) -> str:
    return "" if value is None or value == "" else f"{vn_number(value)}%"
