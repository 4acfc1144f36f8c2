"""Year-over-year comparisons through lineage: the one place that says what a unit of a year
is compared with in the years before (PAR-INDEX.md §6).

`comparisons(period=…)` gives each unit of the year its basis — the same unit, one named
predecessor, the mean of its predecessors, or none ("đơn vị mới") — the previous index and
band, the label that states the basis, the units compared with, and the figures of the
years further back. Every figure that looks back (delta, previous index and band, band
history, units up/down, the same band several years running, the accountability flags,
reports, dashboard, open data, export_results, the results API) reads it; the arithmetic is
`engine.past_figure`, over lineage data read here from units.UnitChange.

Only published years are compared with: a year reopened or not yet published must not leak
through the next year's figures.

"Previous band" by basis:
- same unit, or one named predecessor: that unit's band as published (downgrade included);
- mean: the band of the mean index (`engine.mean`, rounded by `engine.q2`) under the
  previous year's thresholds (`engine.band_for`); the late-dossier downgrade is a unit's own
  and does not apply to a mean;
- none: no previous band, so no delta and no "two low years running" flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from units.models import Unit, UnitChange

from . import engine, workflow
from .enums import Stage
from .models import Assessment, Period, Result

PUBLIC_PHASES = workflow.phases_where(lambda r: r.results_public)


@dataclass(frozen=True)
class Comparison:
    """What one unit of a year is compared with in the years before."""

    unit_code: str
    basis: str  # engine.SAME | PREDECESSOR | MEAN | NONE
    label: str  # "so với Sở X (cũ)", "so với trung bình của A, B", "đơn vị mới"; "" for itself
    predecessor_codes: tuple[str, ...]  # the units of the year before compared with
    previous_index: Decimal | None
    previous_band: str | None
    # year → the figure compared with, for each year looked back (previous year included)
    history: dict[int, engine.PastFigure] = field(default_factory=dict)


def lineage_of_years(years) -> dict[tuple[int, int], engine.Lineage]:
    """The stored lineage of the given years, for the engine: {(year, unit id): Lineage}.

    One query: a row per (change, predecessor), None for a change without predecessors.
    """
    rows: dict[tuple[int, int], tuple[str, int | None, list[int]]] = {}
    for year, successor_id, basis, basis_unit_id, predecessor_id in UnitChange.objects.filter(
        year__in=list(years)
    ).values_list("year", "successor_id", "basis", "basis_unit_id", "predecessors"):
        entry = rows.setdefault((year, successor_id), (basis, basis_unit_id, []))
        if predecessor_id is not None:
            entry[2].append(predecessor_id)
    return {
        key: engine.Lineage(
            basis=basis, predecessors=tuple(sorted(predecessors)), basis_unit=basis_unit_id
        )
        for key, (basis, basis_unit_id, predecessors) in rows.items()
    }


def lineage_fingerprint(year: int) -> str:
    """Changes to a year's lineage, for the caches of reports that compare with the year before."""
    stats = UnitChange.objects.filter(year=year).aggregate(n=Count("id"), last=Max("created_at"))
    return f"{stats['n']}:{stats['last']}"


def basis_label(basis: str, names: list[str]) -> str:
    """The Vietnamese statement of a comparison's basis (also for documents)."""
    if basis == engine.NONE:
        return _("đơn vị mới")
    if basis == engine.SAME or not names:
        return ""  # the unit itself, or nothing to compare with: nothing to state
    if basis == engine.PREDECESSOR:
        return _("so với %(unit)s (cũ)") % {"unit": names[0]}
    return _("so với trung bình của %(units)s") % {"units": ", ".join(names)}


def _year_units(period: Period) -> list[int]:
    ids = set(Result.objects.filter(period=period).values_list("unit_id", flat=True))
    ids.update(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    return sorted(ids)


def comparisons(*, period: Period, unit_ids=None, years_back: int = 1) -> dict[int, Comparison]:
    """Each unit's comparison with the `years_back` years before `period` (unit id → Comparison).

    `unit_ids`: the units to resolve (default: those with a result or a dossier in the year).
    A fixed number of queries whatever the number of units.
    """
    year = period.year
    past_years = [year - n for n in range(1, years_back + 1)]
    if unit_ids is None:
        unit_ids = _year_units(period)
    unit_ids = list(unit_ids)
    lineage = lineage_of_years(range(year - years_back + 1, year + 1))
    # The final results of the published years looked back, with their band thresholds.
    thresholds: dict[int, engine.BandThresholds] = {}
    figures: dict[tuple[int, int], engine.PastFigure] = {}
    for y, unit_id, index, band, tot, kha, trung_binh in Result.objects.filter(
        period__year__in=past_years, period__phase__in=PUBLIC_PHASES, stage=Stage.FINAL
    ).values_list(
        "period__year",
        "unit_id",
        "index",
        "band",
        "period__band_tot_min",
        "period__band_kha_min",
        "period__band_trung_binh_min",
    ):
        figures[(y, unit_id)] = engine.PastFigure(index, band)
        thresholds[y] = engine.BandThresholds(tot=tot, kha=kha, trung_binh=trung_binh)
    previous_year = year - 1
    bases = {unit_id: engine.comparison_basis(unit_id, year, lineage) for unit_id in unit_ids}
    wanted = {u for _basis, sources in bases.values() for u in sources} | set(unit_ids)
    # In the units' usual order (group, order, code): the order labels name them in.
    names, codes, position = {}, {}, {}
    for n, (unit_id, code, name) in enumerate(
        Unit.objects.filter(id__in=wanted).values_list("id", "code", "name")
    ):
        names[unit_id], codes[unit_id], position[unit_id] = name, code, n

    out = {}
    for unit_id in unit_ids:
        basis, sources = bases[unit_id]
        history = {
            past: engine.past_figure(
                unit_id, year, past, lineage=lineage, figures=figures, thresholds=thresholds
            )
            for past in past_years
        }
        previous = history.get(previous_year, engine.NO_FIGURE)
        sources = sorted(sources, key=position.__getitem__)
        if basis == engine.MEAN:
            # The units that gave an index (a mean leaves out a predecessor without one).
            used = [
                u
                for u in sources
                if figures.get((previous_year, u), engine.NO_FIGURE).index is not None
            ]
        else:
            used = sources if previous != engine.NO_FIGURE else []
        out[unit_id] = Comparison(
            unit_code=codes[unit_id],
            basis=basis,
            label=basis_label(basis, [names[u] for u in used]),
            predecessor_codes=tuple(codes[u] for u in sources),
            previous_index=previous.index,
            previous_band=previous.band,
            history=history,
        )
    return out
