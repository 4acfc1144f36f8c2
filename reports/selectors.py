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

from appraisal.selectors import cycle_facts, flagged_items
from scoring import engine, lineage
from scoring import selectors as scoring_selectors
from scoring.enums import AssessmentStatus, DeadlineKind, Stage
from scoring.models import Assessment, Criterion, Exemption, LeafScore, Period, Result
from scoring.rules import unit_deadline
from scoring.selectors import assessment_scores_compute
from scoring.workflow import UnitYear
from units.models import Group, Unit
from units.rules import unit_ids_of

from .enums import (
    DOCUMENT_KINDS,
    PROVINCE_DOCUMENT_KINDS,
    UNIT_DOCUMENT_KINDS,
    DocumentTarget,
    ReportKind,
)
from .models import DocumentIssue, DocumentSettings, ImprovementPlan, IndexRun, ReportFile
from .rules import BUNDLE

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
    what each unit is compared with in the two years before — band history, the same band
    several years running, the accountability flags — follows its lineage
    (`scoring.lineage.comparisons`), with the basis stated. Group means of the years before
    are those groups' own means in those (published) years.
    """
    results = scoring_selectors.results_report(period=period)
    year = period.year
    years = [year - 2, year - 1, year]
    compared = {c.unit_code: c for c in lineage.comparisons(period=period, years_back=2).values()}
    indexes_by_year_group: dict[tuple[int, str], list] = defaultdict(list)
    for past_year, group_code, index in Result.objects.filter(
        period__year=years[0], period__phase__in=scoring_selectors.PHASES_PUBLIC, stage=Stage.FINAL
    ).values_list("period__year", "group__code", "index"):
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
        comparison = compared.get(unit["unit_code"])
        before = comparison.history.get(years[0]) if comparison else None
        bands = [before.band if before else None, unit["previous_band"], unit["band"]]
        steady = engine.same_band_years(bands)
        entry = {**unit, "bands": bands, "same_band_years": steady}
        band_history.append(entry)
        head_flag = engine.head_cannot_be_rated_excellent(unit["band"])
        two_low = engine.two_consecutive_low(dict(zip(years, bands, strict=True)), year)
        if head_flag or two_low:
            flags.append({**entry, "head_flag": head_flag, "two_low": two_low})
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
        "same_band_all_years": sum(1 for u in band_history if u["same_band_years"] == len(years)),
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
        group_id = assessment.group_id
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
    """A unit's final result, its comparison with the year before (through lineage), its
    sub-index per field and the leaves that lost points."""
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
    comparison = lineage.comparisons(period=period, unit_ids=[unit.id])[unit.id] if result else None
    return {
        "period": period,
        "unit": unit,
        "result": result,
        "comparison": comparison,
        "delta": engine.delta(result.index, comparison.previous_index) if result else None,
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
    units = {u.id: u for u in Unit.objects.filter(id__in=self_scores.keys())}
    group_names = dict(Group.objects.values_list("id", "name"))
    rows = []
    for unit_id, computation in self_scores.items():
        unit = units[unit_id]
        final_index, final_band = stored.get(unit_id, (None, None))
        gap = engine.delta(computation.score.index, final_index)
        rows.append(
            {
                "unit_code": unit.code,
                "unit_name": unit.name,
                "group_name": group_names[computation.group_id],
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
    # The ranking table shows each group's name (the report keeps codes: its JSON is a contract).
    group_names = {g["group_code"]: g["group_name"] for g in report["groups"]} if report else {}
    rows = (
        [{**u, "group_name": group_names.get(u["group_code"], "")} for u in report["units"]]
        if report
        else []
    )
    return {
        "current": current,
        "status": status,
        "latest": latest,
        "report": report,
        "ranking_rows": rows,
        "movers_up": movers_up,
        "movers_down": movers_down,
    }


# --- official documents ------------------------------------------------------------------


def document_target_get(*, actor, period: Period, kind: str, unit: Unit | None = None):
    """The DocumentTarget the actor may have (reports.view_document); else the same 404."""
    if kind not in DOCUMENT_KINDS or (kind in UNIT_DOCUMENT_KINDS) != (unit is not None):
        raise Http404
    target = DocumentTarget(period, kind, unit)
    if not actor.has_perm("reports.view_document", target):
        raise Http404
    return target


def document_settings_current():
    """The province's details in force: the latest saved row, else the model's defaults."""
    return DocumentSettings.objects.order_by("-saved_at", "-id").first() or DocumentSettings()


def document_issue_current(*, period: Period, kind: str, unit: Unit | None = None):
    """The number and date the document was issued with (latest row), or None (a draft)."""
    return (
        DocumentIssue.objects.filter(period=period, kind=kind, unit=unit)
        .order_by("-issued_at", "-id")
        .first()
    )


def document_issues_latest(*, period: Period) -> dict[tuple[str, int | None], object]:
    """Every document of the year that has a number: {(kind, unit id): latest issue}. One query."""
    latest: dict[tuple[str, int | None], object] = {}
    for issue in DocumentIssue.objects.filter(period=period).order_by("issued_at", "id"):
        latest[(issue.kind, issue.unit_id)] = issue
    return latest


def _submissions(period: Period) -> dict:
    """The year's dossiers: on time, late (with the date), not submitted; in unit order."""
    on_time, late, missing = [], [], []
    for assessment in Assessment.objects.filter(period=period).select_related("unit"):
        if assessment.status != AssessmentStatus.SUBMITTED:
            missing.append(assessment.unit.name)
        elif assessment.is_late:
            late.append((assessment.unit.name, assessment.submitted_at))
        else:
            on_time.append(assessment.unit.name)
    return {"on_time": on_time, "late": late, "missing": missing}


def _criteria_counts(period: Period) -> dict:
    counts = {"fields": 0, "criteria": 0, "leaves": 0, "bonus": 0, "deduction": 0}
    for level, kind, is_leaf in Criterion.objects.filter(period=period).values_list(
        "level", "kind", "is_leaf"
    ):
        if kind == engine.SCORED:
            counts["fields"] += level == "field"
            counts["criteria"] += level == "criterion"
            counts["leaves"] += bool(is_leaf)
        elif is_leaf:
            counts["bonus" if kind == engine.BONUS else "deduction"] += 1
    return counts


def _groups_of_units(period: Period) -> list[tuple[str, int]]:
    """(group name, number of dossiers) in group order; the ranked units when none."""
    rows = (
        Assessment.objects.filter(period=period)
        .values("group__name", "group__order", "group__code")  # the group of that year
        .annotate(n=Count("id"))
        .order_by("group__order", "group__code")
    )
    return [(row["group__name"], row["n"]) for row in rows]


def year_report_data(*, period: Period) -> dict:
    """Everything the year's report states: the published report's data (Bảng 1–5, charts),
    the year before's band counts, the criterion analysis (when leaf scores exist), how the
    cycle ran (dates, dossiers, appraisal counts) and the downgraded units."""
    report = published_report(period=period)
    previous = Period.objects.filter(year=period.year - 1).first()
    previous_counts = None
    if previous is not None and previous.is_published:
        previous_counts = scoring_selectors.results_report(period=previous)["overall"][
            "band_counts"
        ]
    has_leaf_scores = LeafScore.objects.filter(
        assessment__period=period, stage=Stage.FINAL
    ).exists()
    return {
        **report,
        "previous_band_counts": previous_counts,
        "analysis": criterion_analysis(period=period) if has_leaf_scores else None,
        "cycle": cycle_facts(period=period),
        "submissions": _submissions(period),
        "criteria_counts": _criteria_counts(period),
        "dossier_groups": _groups_of_units(period),
        "downgraded": list(
            Result.objects.filter(period=period, stage=Stage.FINAL, downgraded=True)
            .order_by("group__order", "rank_in_group", "unit__code")
            .values_list("unit__name", flat=True)
        ),
    }


def unit_notice_data(*, period: Period, unit: Unit) -> dict:
    """A unit's notice of results: its scorecard and its row of the year's results."""
    results = scoring_selectors.results_report(period=period)
    row = next((u for u in results["units"] if u["unit_code"] == unit.code), None)
    group = next(
        (g for g in results["groups"] if row and g["group_code"] == row["group_code"]), None
    )
    return {
        **unit_scorecard(period=period, unit=unit),
        "row": row,
        "group": group,
    }


def supplement_letter_data(*, period: Period, unit: Unit) -> dict:
    assessment = (
        Assessment.objects.filter(period=period, unit=unit).select_related("period", "unit").first()
    )
    return {
        "period": period,
        "unit": unit,
        "items": flagged_items(assessment=assessment) if assessment else [],
        # The unit's own end of the window (an extension included).
        "supplement_end": unit_deadline(assessment, DeadlineKind.SUPPLEMENT)
        if assessment
        else period.supplement_end,
    }


def documents_overview(*, actor, period: Period) -> dict:
    """The official documents of a year the actor may get: the province-wide ones, and per
    unit (all the year's units for its province staff, else the actor's own units) the
    supplement letter (units with flagged items), the notice (units with a final result)
    and the dossier bundle. A fixed number of queries; permissions from reports.rules."""
    issues = document_issues_latest(period=period)
    province = [
        {"kind": kind, "label": ReportKind(kind).label, "issue": issues.get((kind, None))}
        for kind in PROVINCE_DOCUMENT_KINDS
        if actor.has_perm("reports.view_document", DocumentTarget(period, kind))
    ]
    staff = actor.has_perm("reports.view_year_documents", period)
    unit_ids = set(
        Assessment.objects.filter(period=period).values_list("unit_id", flat=True)
    ) | set(
        Result.objects.filter(period=period, stage=Stage.FINAL).values_list("unit_id", flat=True)
    )
    if not staff:
        unit_ids &= unit_ids_of(actor)
    flagged = dict(
        LeafScore.objects.filter(
            assessment__period=period, stage=Stage.ROUND1, supplement_requested=True
        )
        .values("assessment__unit_id")
        .annotate(n=Count("id"))
        .values_list("assessment__unit_id", "n")
    )
    with_result = set(
        Result.objects.filter(period=period, stage=Stage.FINAL, unit_id__in=unit_ids).values_list(
            "unit_id", flat=True
        )
    )
    rows = []
    for unit in Unit.objects.filter(pk__in=unit_ids).select_related("group"):
        letter = flagged.get(unit.pk, 0) and actor.has_perm(
            "reports.view_document", DocumentTarget(period, ReportKind.SUPPLEMENT_REQUEST, unit)
        )
        notice = unit.pk in with_result and actor.has_perm(
            "reports.view_document", DocumentTarget(period, ReportKind.UNIT_NOTICE, unit)
        )
        bundle = actor.has_perm("reports.download_bundle", DocumentTarget(period, BUNDLE, unit))
        if not (letter or notice or bundle):
            continue
        rows.append(
            {
                "unit": unit,
                "flagged": flagged.get(unit.pk, 0),
                "letter": bool(letter),
                "letter_issue": issues.get((ReportKind.SUPPLEMENT_REQUEST, unit.pk)),
                "notice": notice,
                "notice_issue": issues.get((ReportKind.UNIT_NOTICE, unit.pk)),
                "bundle": bundle,
            }
        )
    return {
        "period": period,
        "province": province,
        "units": rows,
        "can_issue": actor.has_perm("reports.issue_document", period),
        "can_edit_settings": actor.has_perm("reports.edit_document_settings"),
        "settings": document_settings_current(),
    }
