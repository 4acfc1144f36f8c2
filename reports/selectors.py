"""Reads of reports: every report's data, built on scoring's selectors and stored results.

Each report selector runs a fixed number of queries whatever the number of units, so the
pages, the XLSX and the PDF can be built from the same data in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from scoring import engine
from scoring import selectors as scoring_selectors
from scoring.enums import AssessmentStatus, Stage
from scoring.models import Assessment, Criterion, Exemption, LeafScore, Period, Result
from scoring.services import assessment_scores_compute
from scoring.workflow import UnitYear
from units.models import Unit

from .enums import ReportKind
from .models import ImprovementPlan, IndexRun, ReportFile

KIND_PERM = {
    ReportKind.PUBLISHED: "reports.view_published_report",
    ReportKind.CRITERIA: "reports.view_criterion_analysis",
    ReportKind.SELF_GAP: "reports.view_province_reports",
    ReportKind.FLAGS: "reports.view_province_reports",
}


def D(value) -> Decimal | None:
    """A 2-decimal string of results_report back to a Decimal (None stays None)."""
    return None if value in (None, "") else Decimal(value)


# --- access ------------------------------------------------------------------------------


def period_get(*, actor, year: int, perm: str) -> Period:
    return scoring_selectors.period_get(actor=actor, year=year, perm=perm)


def unit_year_get(*, actor, year: int, code: str, perm: str = "reports.view_scorecard") -> UnitYear:
    """A unit in a year the actor may see for `perm` (its scorecard, its plan); "not yours"
    — another unit, or figures the phase does not show yet — is the same 404 as "missing"."""
    unit = Unit.objects.select_related("group").filter(code=code).first()
    period = Period.objects.filter(year=year).first()
    if unit is None or period is None:
        raise Http404
    target = UnitYear(unit, period)
    if not actor.has_perm(perm, target):
        raise Http404
    return target


def report_file_get(*, actor, report_file_id: int) -> ReportFile:
    report_file = ReportFile.objects.select_related("period").filter(pk=report_file_id).first()
    if report_file is None or not actor.has_perm("reports.view_report_file", report_file):
        raise Http404
    return report_file


def index_run_list(*, period: Period):
    return IndexRun.objects.filter(period=period).select_related("requested_by")[:20]


def improvement_plan_find(*, period: Period, unit: Unit) -> ImprovementPlan | None:
    return ImprovementPlan.objects.filter(period=period, unit=unit).first()


# --- the published report ----------------------------------------------------------------


def published_report(*, period: Period) -> dict:
    """Everything of the published report (Bảng 1–5 and the charts) for a year.

    The current year is `scoring.selectors.results_report` itself (same strings, same order);
    the two years before come from their stored final Results, matched by unit and group code.
    """
    results = scoring_selectors.results_report(period=period)
    year = period.year
    years = [year - 2, year - 1, year]
    past = Result.objects.filter(period__year__in=years[:2], stage=Stage.FINAL).values_list(
        "period__year", "unit__code", "group__code", "index", "band"
    )
    band_by_year_unit: dict[tuple[int, str], str] = {}
    indexes_by_year_group: dict[tuple[int, str], list] = defaultdict(list)
    for past_year, unit_code, group_code, index, band in past:
        band_by_year_unit[(past_year, unit_code)] = band
        indexes_by_year_group[(past_year, group_code)].append(index)

    groups = []
    means_by_year: dict[int, list] = defaultdict(list)
    for group in results["groups"]:
        code = group["group_code"]
        means = [
            engine.mean(indexes_by_year_group.get((years[0], code), [])),
            D(group["previous_mean_index"]),
            D(group["mean_index"]),
        ]
        for position, value in enumerate(means):
            if value is not None:
                means_by_year[years[position]].append(value)
        groups.append(
            {
                **group,
                "units": [u for u in results["units"] if u["group_code"] == code],
                "means": means,
                "change": engine.delta(means[2], means[1]),
            }
        )
    overall_means = [engine.overall_mean(means_by_year[y]) for y in years[:2]]
    overall_means.append(D(results["overall"]["mean_index"]))

    band_history, flags = [], []
    for unit in results["units"]:
        bands = [
            band_by_year_unit.get((years[0], unit["unit_code"])),
            unit["previous_band"],
            unit["band"],
        ]
        band_history.append({**unit, "bands": bands})
        head_flag = engine.head_cannot_be_rated_excellent(unit["band"])
        two_low = engine.two_consecutive_low(dict(zip(years, bands, strict=True)), year)
        if head_flag or two_low:
            flags.append({**unit, "head_flag": head_flag, "two_low": two_low, "bands": bands})
    return {
        "period": period,
        "year": year,
        "years": years,
        "results": results,
        "groups": groups,
        "overall": results["overall"],
        "overall_means": overall_means,
        "overall_change": engine.delta(overall_means[2], overall_means[1]),
        "band_history": band_history,
        "flags": flags,
    }


def accountability_flags(*, period: Period) -> list[dict]:
    """Units whose head cannot be rated “hoàn thành tốt nhiệm vụ”, and two low years running."""
    return published_report(period=period)["flags"]


# --- leaf-level analysis -----------------------------------------------------------------


@dataclass(frozen=True)
class LeafRow:
    """One applicable scored or deduction leaf of one unit at the final stage."""

    unit_id: int
    unit_code: str
    unit_name: str
    criterion_id: int
    code: str
    kind: str
    ancestor_ids: tuple[int, ...]
    maximum: Decimal
    value: Decimal | None
    comment: str
    exempt: bool

    @property
    def lost(self) -> Decimal:
        """Points lost: maximum − value for a scored leaf; the points taken off for a deduction."""
        if self.exempt:
            return engine.ZERO
        value = self.value if self.value is not None else engine.ZERO
        if self.kind == engine.DEDUCTION:
            return engine.q2(value)
        return engine.q2(self.maximum - value)


def _leaf_rows(*, period: Period, stage: str = Stage.FINAL, unit: Unit | None = None):
    """Every unit's applicable scored/deduction leaves at a stage (5 queries)."""
    leaves = [
        leaf
        for leaf in scoring_selectors.criteria_leaves(period=period)
        if leaf.kind in (engine.SCORED, engine.DEDUCTION)
    ]
    assessments = Assessment.objects.filter(period=period).select_related("unit")
    if unit is not None:
        assessments = assessments.filter(unit=unit)
    assessments = list(assessments)
    ids = [a.id for a in assessments]
    scores = {
        (a, c): (v, comment)
        for a, c, v, comment in LeafScore.objects.filter(
            assessment_id__in=ids, stage=stage
        ).values_list("assessment_id", "criterion_id", "value", "comment")
    }
    exempt: dict[int, set[int]] = defaultdict(set)
    for a, c in Exemption.objects.filter(assessment_id__in=ids, stage=stage).values_list(
        "assessment_id", "criterion_id"
    ):
        exempt[a].add(c)
    rows = []
    for assessment in assessments:
        group_id = assessment.unit.group_id
        exempt_ids = exempt.get(assessment.id, set())
        for leaf in leaves:
            if group_id not in leaf.maxima:
                continue
            value, comment = scores.get((assessment.id, leaf.criterion_id), (None, ""))
            rows.append(
                LeafRow(
                    unit_id=assessment.unit_id,
                    unit_code=assessment.unit.code,
                    unit_name=assessment.unit.name,
                    criterion_id=leaf.criterion_id,
                    code=leaf.code,
                    kind=leaf.kind,
                    ancestor_ids=leaf.ancestor_ids,
                    maximum=leaf.maxima[group_id],
                    value=value,
                    comment=comment,
                    exempt=leaf.criterion_id in exempt_ids
                    or any(a in exempt_ids for a in leaf.ancestor_ids),
                )
            )
    return rows


def _nodes(period: Period) -> list[dict]:
    return list(
        Criterion.objects.filter(period=period)
        .order_by("order")
        .values("id", "code", "name", "level", "kind", "is_leaf")
    )


def criterion_analysis(*, period: Period) -> dict:
    """Per field, criterion and sub-criterion: units at full marks, units that lost points.

    From the final stage's leaf scores against the maxima of each unit's group; a node
    exempt for a unit (itself or an ancestor) leaves that unit out of the count.
    """
    rows = _leaf_rows(period=period)
    by_node: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        if row.exempt:
            continue
        for node_id in (*row.ancestor_ids, row.criterion_id):
            entry = by_node[node_id].setdefault(
                row.unit_id,
                {
                    "unit_code": row.unit_code,
                    "unit_name": row.unit_name,
                    "lost": engine.ZERO,
                    "comments": [],
                },
            )
            lost = row.lost
            entry["lost"] = engine.q2(entry["lost"] + lost)
            if lost > 0 and row.comment:
                entry["comments"].append(f"{row.code}: {row.comment}")
    nodes_out = []
    for node in _nodes(period):
        units = by_node.get(node["id"])
        if not units:
            continue
        losers = sorted(
            (u for u in units.values() if u["lost"] > 0),
            key=lambda u: (-u["lost"], u["unit_code"]),
        )
        applicable = len(units)
        nodes_out.append(
            {
                **node,
                "applicable": applicable,
                "full": applicable - len(losers),
                "lost_count": len(losers),
                "lost_total": engine.q2(sum((u["lost"] for u in losers), engine.ZERO)),
                "units": losers,
                "summary": _("%(lost)s/%(total)s đơn vị bị trừ điểm ở tiêu chí %(code)s")
                % {"lost": len(losers), "total": applicable, "code": node["code"]},
            }
        )
    return {"period": period, "year": period.year, "nodes": nodes_out}


def unit_lost_leaves(*, period: Period, unit: Unit) -> list[dict]:
    """The unit's leaves that lost points at the final stage, with the appraisers' comments."""
    names = {n["id"]: n["name"] for n in _nodes(period)}
    return [
        {
            "criterion_id": row.criterion_id,
            "code": row.code,
            "name": names.get(row.criterion_id, ""),
            "kind": row.kind,
            "maximum": row.maximum,
            "value": row.value,
            "lost": row.lost,
            "comment": row.comment,
        }
        for row in _leaf_rows(period=period, unit=unit)
        if row.lost > 0
    ]


def unit_scorecard(*, period: Period, unit: Unit) -> dict:
    """A unit's final result, its sub-index per field and the leaves that lost points."""
    result = Result.objects.filter(period=period, unit=unit, stage=Stage.FINAL).first()
    nodes = {n["code"]: n for n in _nodes(period)}
    fields = []
    if result is not None:
        for code, (standard, score, index) in (result.details or {}).get("sub_indexes", {}).items():
            info = nodes.get(code)
            if info is None or info["level"] != "field":
                continue
            fields.append(
                {
                    "code": code,
                    "name": info["name"],
                    "standard": D(standard),
                    "score": D(score),
                    "index": D(index),
                }
            )
        order = {code: position for position, code in enumerate(nodes)}
        fields.sort(key=lambda f: order.get(f["code"], 0))
    return {
        "period": period,
        "unit": unit,
        "result": result,
        "fields": fields,
        "lost": unit_lost_leaves(period=period, unit=unit),
    }


# --- self-assessed vs appraised ----------------------------------------------------------


def self_vs_appraised(*, period: Period) -> dict:
    """Per unit: the self-assessed index against the final (appraised) one, and the gap.

    Self-assessed figures are computed from the self stage's scores (no writes); final ones are
    the stored final Results (what was published), else computed the same way.
    """
    self_scores = {c.unit_id: c for c in assessment_scores_compute(period=period, stage=Stage.SELF)}
    stored = {
        r.unit_id: (r.index, r.band)
        for r in Result.objects.filter(period=period, stage=Stage.FINAL)
    }
    if not stored:
        stored = {
            c.unit_id: (c.score.index, c.band)
            for c in assessment_scores_compute(period=period, stage=Stage.FINAL)
        }
    units = {
        u.id: u for u in Unit.objects.filter(id__in=self_scores.keys()).select_related("group")
    }
    rows = []
    for unit_id, computation in self_scores.items():
        unit = units[unit_id]
        final_index, final_band = stored.get(unit_id, (None, None))
        gap = engine.delta(computation.score.index, final_index)
        rows.append(
            {
                "unit_code": unit.code,
                "unit_name": unit.name,
                "group_name": unit.group.name,
                "self_index": computation.score.index,
                "self_band": computation.band if computation.score.index is not None else None,
                "final_index": final_index,
                "final_band": final_band,
                "gap": gap,
            }
        )
    rows.sort(key=lambda r: (r["gap"] is None, -(r["gap"] or 0), r["unit_code"]))
    gaps = [r["gap"] for r in rows if r["gap"] is not None]
    return {
        "period": period,
        "year": period.year,
        "rows": rows,
        "over_claiming": sum(1 for g in gaps if g > 0),
        "mean_gap": engine.mean(gaps),
    }


# --- leadership dashboard ----------------------------------------------------------------


def dashboard() -> dict:
    """The current year's status and the latest published year's ranking and movers."""
    current = scoring_selectors.period_current()
    status = None
    if current is not None:
        status = Assessment.objects.filter(period=current).aggregate(
            total=Count("id"), submitted=Count("id", filter=Q(status=AssessmentStatus.SUBMITTED))
        )
    latest = scoring_selectors.period_published_list().first()
    report = scoring_selectors.results_report(period=latest) if latest else None
    movers_up = movers_down = []
    if report:
        moved = [u for u in report["units"] if u["delta"] is not None]
        movers_up = sorted((u for u in moved if D(u["delta"]) > 0), key=lambda u: -D(u["delta"]))[
            :5
        ]
        movers_down = sorted((u for u in moved if D(u["delta"]) < 0), key=lambda u: D(u["delta"]))[
            :5
        ]
    return {
        "current": current,
        "status": status,
        "latest": latest,
        "report": report,
        "movers_up": movers_up,
        "movers_down": movers_down,
    }
