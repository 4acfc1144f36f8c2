"""Reads of scoring. Every function that serves a user takes the actor and filters by rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404

from units.models import Group

from . import engine
from .enums import Phase, Stage
from .models import Assessment, Criterion, CriterionMax, Period, PeriodGroup, Result

PHASES_OPEN = [p for p in Phase.values if p != Phase.PUBLISHED]


def period_current() -> Period | None:
    """The year in progress: the latest unpublished period, else the latest one."""
    period = Period.objects.filter(phase__in=PHASES_OPEN).order_by("-year").first()
    return period or Period.objects.order_by("-year").first()


def period_published_list():
    return Period.objects.filter(phase=Phase.PUBLISHED).order_by("-year")


def period_get(*, actor, year: int, perm: str = "scoring.view_results") -> Period:
    """A period the actor may see for `perm`; "not allowed" is the same 404 as "missing"."""
    period = Period.objects.filter(year=year).first()
    if period is None or not actor.has_perm(perm, period):
        raise Http404
    return period


def assessment_get(*, actor, assessment_id: int, perm: str = "scoring.view_assessment"):
    assessment = (
        Assessment.objects.select_related("period", "unit", "unit__group")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not actor.has_perm(perm, assessment):
        raise Http404
    return assessment


# --- the criteria tree -------------------------------------------------------------------


@dataclass(frozen=True)
class LeafSpec:
    criterion_id: int
    code: str
    kind: str
    method: str
    params: dict
    ancestor_ids: tuple[int, ...]
    ancestor_codes: tuple[str, ...]
    maxima: dict[int, Decimal]  # group id → maximum


def criteria_leaves(*, period: Period) -> list[LeafSpec]:
    """The period's leaves in order, with their ancestors and per-group maxima (3 queries)."""
    nodes = list(
        Criterion.objects.filter(period=period)
        .only("id", "code", "parent_id", "kind", "is_leaf", "method", "params", "order")
        .order_by("order")
    )
    by_id = {node.id: node for node in nodes}
    maxima: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in CriterionMax.objects.filter(criterion__period=period).values_list(
        "criterion_id", "group_id", "max_score"
    ):
        maxima[row[0]][row[1]] = row[2]
    leaves = []
    for node in nodes:
        if not node.is_leaf:
            continue
        ancestors = []
        parent_id = node.parent_id
        while parent_id is not None:
            ancestors.append(by_id[parent_id])
            parent_id = by_id[parent_id].parent_id
        ancestors.reverse()
        leaves.append(
            LeafSpec(
                criterion_id=node.id,
                code=node.code,
                kind=node.kind,
                method=node.method,
                params=node.params or {},
                ancestor_ids=tuple(a.id for a in ancestors),
                ancestor_codes=tuple(a.code for a in ancestors),
                maxima=maxima.get(node.id, {}),
            )
        )
    return leaves


def group_totals(*, period: Period) -> dict[int, Decimal]:
    """Sum of scored maxima per group (should be 100 for every group)."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for leaf in criteria_leaves(period=period):
        if leaf.kind == engine.SCORED:
            for group_id, maximum in leaf.maxima.items():
                totals[group_id] += maximum
    return dict(totals)


# --- published results ------------------------------------------------------------------


def _s(value: Decimal | None) -> str | None:
    return None if value is None else f"{engine.q2(value):.2f}"


def _final_results(period: Period | None) -> list[Result]:
    if period is None:
        return []
    return list(
        Result.objects.filter(period=period, stage=Stage.FINAL).select_related("unit", "group")
    )


def results_report(*, period: Period, stage: str = Stage.FINAL) -> dict:
    """The year's results in the export_results / results API shape (JSON-ready).

    Numbers are strings with 2 decimals, bands `tot|kha|trung_binh|yeu`; `previous_*` come from
    the year before (final stage), matched by unit code and group code.
    """
    current = list(
        Result.objects.filter(period=period, stage=stage).select_related("unit", "group")
    )
    previous_period = Period.objects.filter(year=period.year - 1).first()
    previous = {r.unit_id: r for r in _final_results(previous_period)}
    groups = {g.id: g for g in Group.objects.all()}
    group_order = [
        pg.group_id for pg in PeriodGroup.objects.filter(period=period).select_related("group")
    ]
    for result in current:
        if result.group_id not in group_order:
            group_order.append(result.group_id)
    group_order.sort(key=lambda gid: (groups[gid].order, groups[gid].code))

    by_group: dict[int, list[Result]] = defaultdict(list)
    for result in current:
        by_group[result.group_id].append(result)
    previous_by_group: dict[int, list[Result]] = defaultdict(list)
    for result in previous.values():
        previous_by_group[result.group_id].append(result)

    units_out, groups_out, deltas = [], [], []
    group_means, previous_group_means = [], []
    for group_id in group_order:
        members = sorted(
            by_group.get(group_id, []),
            key=lambda r: (
                r.rank_in_group is None,
                r.rank_in_group or 0,
                r.unit.order,
                r.unit.code,
            ),
        )
        if not members:
            continue
        for result in members:
            before = previous.get(result.unit_id)
            change = engine.delta(result.index, before.index if before else None)
            deltas.append(change)
            units_out.append(
                {
                    "unit_code": result.unit.code,
                    "unit_name": result.unit.name,
                    "group_code": groups[group_id].code,
                    "standard_score": _s(result.standard_score),
                    "appraised_score": _s(result.appraised_score),
                    "index": _s(result.index),
                    "band": result.band,
                    "rank_in_group": result.rank_in_group,
                    "group_size": result.group_size,
                    "previous_index": _s(before.index) if before else None,
                    "delta": _s(change),
                    "previous_band": before.band if before else None,
                }
            )
        group_mean = engine.mean(r.index for r in members)
        previous_members = previous_by_group.get(group_id, [])
        previous_mean = engine.mean(r.index for r in previous_members)
        group_means.append(group_mean)
        if previous_members:
            previous_group_means.append(previous_mean)
        groups_out.append(
            {
                "group_code": groups[group_id].code,
                "group_name": groups[group_id].name,
                "size": len(members),
                "mean_index": _s(group_mean),
                "previous_mean_index": _s(previous_mean),
                "band_counts": engine.band_counts(r.band for r in members),
            }
        )
    up, down = engine.units_up_down(deltas)
    return {
        "year": period.year,
        "stage": stage,
        "published": period.is_published,
        "units": units_out,
        "groups": groups_out,
        "overall": {
            "mean_index": _s(engine.overall_mean(group_means)),
            "previous_mean_index": _s(engine.overall_mean(previous_group_means)),
            "units_up": up,
            "units_down": down,
            "band_counts": engine.band_counts(r.band for r in current),
        },
    }
