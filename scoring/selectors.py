"""Reads of scoring. Every function that serves a user takes the actor and filters by rules."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404

from units.models import Group

from . import engine, hooks, lineage, rules, workflow
from .computation import LeafSpec, score_sums
from .enums import Stage
from .models import (
    Assessment,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
    Result,
)

PHASES_OPEN = workflow.phases_where(lambda r: not r.frozen)
PHASES_PUBLIC = workflow.phases_where(lambda r: r.results_public)


def period_current() -> Period | None:
    """The year in progress: the latest year not frozen, else the latest one."""
    period = Period.objects.filter(phase__in=PHASES_OPEN).order_by("-year").first()
    return period or Period.objects.order_by("-year").first()


def period_published_list():
    return Period.objects.filter(phase__in=PHASES_PUBLIC).order_by("-year")


def period_get(*, actor, year: int, perm: str = "scoring.view_results") -> Period:
    """A period the actor may see for `perm`; "not allowed" is the same 404 as "missing"."""
    period = Period.objects.filter(year=year).first()
    if period is None or not actor.has_perm(perm, period):
        raise Http404
    return period


def assessment_get(*, actor, assessment_id: int, perm: str = "scoring.view_assessment"):
    assessment = (
        Assessment.objects.select_related("period", "unit", "group")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not actor.has_perm(perm, assessment):
        raise Http404
    return assessment


def assessment_list(*, actor):
    """The dossiers `actor` may see (scoring.view_assessment, as the rules' filter), newest
    year first, in group and unit order; one query with their period, unit and group."""
    return (
        Assessment.objects.filter(rules.assessments_visible_q(actor))
        .select_related("period", "unit", "group")
        .order_by("-period__year", "group__order", "unit__order", "unit__code")
    )


def result_list(*, actor):
    """The results of the years `actor` may see (scoring.view_results, as the rules'
    filter), with their period, unit and group."""
    return Result.objects.filter(rules.results_visible_q(actor)).select_related(
        "period", "unit", "group"
    )


# --- the criteria tree -------------------------------------------------------------------


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


def results_report(*, period: Period, stage: str = Stage.FINAL) -> dict:
    """The year's results, from the cache when the year is published.

    The key is a fingerprint of everything the report reads — both years' phase and
    publication time, and their results' count and last computation time — so a reopening,
    a republication or a re-import gives a new key; a frozen year is answered in two queries.
    """
    if not period.is_published:
        return _results_report(period=period, stage=stage)
    years = list(
        Period.objects.filter(year__in=[period.year, period.year - 1])
        .order_by("year")
        .values_list("year", "phase", "published_at")
    )
    results = Result.objects.filter(period__year__in=[period.year, period.year - 1]).aggregate(
        count=Count("id"), last=Max("computed_at")
    )
    fingerprint = (
        f"{period.pk}:{stage}:{years}:{results['count']}:{results['last']}:"
        f"{lineage.lineage_fingerprint(period.year)}"
    )
    key = "results_report:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    report = cache.get(key)
    if report is None:
        report = _results_report(period=period, stage=stage)
        cache.set(key, report, timeout=3600)
    return report


def _results_report(*, period: Period, stage: str = Stage.FINAL) -> dict:
    """The year's results in the export_results / results API shape (JSON-ready).

    Numbers are strings with 2 decimals, bands `tot|kha|trung_binh|yeu`. A unit's
    `previous_index`, `previous_band` and `delta` follow its lineage (`scoring.lineage`: the
    same unit, a named predecessor, the mean of its predecessors, or none for a new unit) in
    the year before (final stage), only when that year is published (a reopened year must
    not leak through the next year's public page); `previous_basis` states the basis
    ("so với … (cũ)", "so với trung bình của …", "đơn vị mới"; empty for the unit compared
    with itself, or when there is nothing to compare with). A group's `previous_mean_index` is the mean of that
    group in the year before, as it was; the overall one the year before's own overall mean.
    `not_submitted` marks a unit that never submitted its dossier; `ranked` false, a unit
    left out of the ranking (no rank; not in its group's `size`, mean or band counts, which
    count it in `left_out`).
    """
    current = list(
        # The sub-indexes (details) are not part of the ranking: do not decode them.
        Result.objects.filter(period=period, stage=stage)
        .select_related("unit", "group")
        .defer("details")
    )
    # The groups of the year before as they were (their means), when its results are public.
    previous_by_group: dict[int, list[Decimal | None]] = defaultdict(list)
    for group_id, index in Result.objects.filter(
        period__year=period.year - 1, period__phase__in=PHASES_PUBLIC, stage=Stage.FINAL
    ).values_list("group_id", "index"):
        previous_by_group[group_id].append(index)
    compared = lineage.comparisons(period=period, unit_ids=[r.unit_id for r in current])
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

    units_out, groups_out, deltas = [], [], []
    group_means, ranked_results = [], []
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
            comparison = compared[result.unit_id]
            change = engine.delta(result.index, comparison.previous_index)
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
                    "previous_index": _s(comparison.previous_index),
                    "delta": _s(change),
                    "previous_band": comparison.previous_band,
                    "previous_basis": comparison.label,
                    "not_submitted": result.not_submitted,
                    "ranked": result.ranked,
                }
            )
        left_out = {r.unit_id for r in members if not r.ranked}
        counted = engine.ranked_only({r.unit_id: r for r in members}, left_out)
        ranked_results.extend(counted)
        group_mean = engine.mean(
            engine.ranked_only({r.unit_id: r.index for r in members}, left_out)
        )
        previous_mean = engine.mean(previous_by_group.get(group_id, []))
        group_means.append(group_mean)
        groups_out.append(
            {
                "group_code": groups[group_id].code,
                "group_name": groups[group_id].name,
                "size": len(counted),
                "mean_index": _s(group_mean),
                "previous_mean_index": _s(previous_mean),
                "band_counts": engine.band_counts(r.band for r in counted),
                "left_out": len(left_out),
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
            "previous_mean_index": _s(
                engine.overall_mean(engine.mean(indexes) for indexes in previous_by_group.values())
            ),
            "units_up": up,
            "units_down": down,
            "band_counts": engine.band_counts(r.band for r in ranked_results),
        },
    }


# --- the agency self-assessment workspace ------------------------------------------------
#
# Reads for the unit's own dossier at the SELF stage. Each one runs a fixed number of queries
# whatever the number of leaves: the tree, the group's maxima, the scores, the exemptions
# and the evidence are each read once and joined in memory.


def evidence_counts_of(*, assessment) -> dict[int, int]:
    """Evidence files linked to each leaf of the assessment: {criterion id: count}."""
    return dict(hooks.evidence.counts(assessment=assessment)) if hooks.evidence else {}


def evidence_warnings_of(*, actor, assessment):
    """The evidence warnings per leaf for the completeness check (None without the app)."""
    if hooks.evidence is None:
        return None
    return hooks.evidence.warnings(actor=actor, assessment=assessment)


def own_assessment_get(*, actor, assessment_id: int) -> Assessment:
    """The unit's own dossier (agency staff and head); anyone else gets the same 404."""
    return assessment_get(
        actor=actor, assessment_id=assessment_id, perm="scoring.view_own_assessment"
    )


@dataclass
class _SelfState:
    nodes: list  # Criterion, in tree order
    by_id: dict
    depth: dict[int, int]
    ancestors: dict[int, tuple[int, ...]]
    maxima: dict[int, Decimal]  # applicable leaves of the unit's group: id → maximum
    scores: dict  # criterion id → LeafScore (SELF)
    exemptions: dict  # criterion id → Exemption (SELF)
    evidence_counts: dict[int, int]

    def exempt_by(self, criterion_id: int) -> int | None:
        """The id of the exempt node covering the leaf (itself or an ancestor), if any."""
        for node_id in (criterion_id, *reversed(self.ancestors[criterion_id])):
            if node_id in self.exemptions:
                return node_id
        return None

    def applicable_leaves(self):
        return [n for n in self.nodes if n.is_leaf and n.id in self.maxima]


def _tree_order(nodes: list) -> tuple[list, dict[int, int], dict[int, tuple[int, ...]]]:
    children: dict[int | None, list] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: (n.order, n.code)):
        children[node.parent_id].append(node)
    ordered, depth, ancestors = [], {}, {}
    stack = [(node, 0, ()) for node in reversed(children[None])]
    while stack:
        node, level, parents = stack.pop()
        ordered.append(node)
        depth[node.id] = level
        ancestors[node.id] = parents
        for child in reversed(children.get(node.id, [])):
            stack.append((child, level + 1, (*parents, node.id)))
    return ordered, depth, ancestors


def _self_state(assessment: Assessment) -> _SelfState:
    nodes, depth, ancestors = _tree_order(
        list(Criterion.objects.filter(period_id=assessment.period_id))
    )
    maxima = dict(
        CriterionMax.objects.filter(
            criterion__period_id=assessment.period_id, group_id=assessment.group_id
        ).values_list("criterion_id", "max_score")
    )
    scores = {
        s.criterion_id: s for s in LeafScore.objects.filter(assessment=assessment, stage=Stage.SELF)
    }
    exemptions = {
        e.criterion_id: e for e in Exemption.objects.filter(assessment=assessment, stage=Stage.SELF)
    }
    return _SelfState(
        nodes=nodes,
        by_id={n.id: n for n in nodes},
        depth=depth,
        ancestors=ancestors,
        maxima=maxima,
        scores=scores,
        exemptions=exemptions,
        evidence_counts=evidence_counts_of(assessment=assessment),
    )


@dataclass(frozen=True)
class MissingLeaf:
    criterion_id: int
    code: str
    name: str
    field_code: str


@dataclass(frozen=True)
class Completeness:
    """What stops a submission: unscored leaves, scored leaves with no evidence nor text."""

    unscored: list[MissingLeaf]
    unexplained: list[MissingLeaf]

    @property
    def complete(self) -> bool:
        return not self.unscored and not self.unexplained


def _completeness(state: _SelfState) -> Completeness:
    unscored, unexplained = [], []
    for leaf in state.applicable_leaves():
        if state.exempt_by(leaf.id) is not None:
            continue
        missing = MissingLeaf(leaf.id, leaf.code, leaf.name, leaf.field_code)
        score = state.scores.get(leaf.id)
        if score is None or score.value is None:
            # Bonus and deduction leaves are claimed only when they apply.
            if leaf.kind == engine.SCORED:
                unscored.append(missing)
            continue
        if (
            leaf.evidence_required
            and not state.evidence_counts.get(leaf.id)
            and not score.explanation.strip()
        ):
            unexplained.append(missing)
    return Completeness(unscored=unscored, unexplained=unexplained)


def assessment_completeness(*, assessment: Assessment) -> Completeness:
    """Every applicable, non-exempt scored leaf has points; every leaf with points has
    evidence or an explanation (leaves with `evidence_required` off need neither)."""
    return _completeness(_self_state(assessment))


def completeness_by_assessment(*, period: Period, assessments) -> dict[int, Completeness]:
    """The completeness check of many dossiers of a year (the submission tracker), in a
    fixed number of queries: the tree, the maxima of every group, the self scores and
    exemptions of the year and its evidence counts are read once and shared."""
    nodes, depth, ancestors = _tree_order(list(Criterion.objects.filter(period=period)))
    by_id = {n.id: n for n in nodes}
    maxima: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for criterion_id, group_id, maximum in CriterionMax.objects.filter(
        criterion__period=period
    ).values_list("criterion_id", "group_id", "max_score"):
        maxima[group_id][criterion_id] = maximum
    scores: dict[int, dict] = defaultdict(dict)
    for score in LeafScore.objects.filter(assessment__period=period, stage=Stage.SELF).only(
        "assessment_id", "criterion_id", "value", "explanation"
    ):
        scores[score.assessment_id][score.criterion_id] = score
    exemptions: dict[int, dict] = defaultdict(dict)
    for exemption in Exemption.objects.filter(assessment__period=period, stage=Stage.SELF).only(
        "assessment_id", "criterion_id"
    ):
        exemptions[exemption.assessment_id][exemption.criterion_id] = exemption
    counts = hooks.evidence.counts_by_assessment(period=period) if hooks.evidence else {}
    return {
        a.id: _completeness(
            _SelfState(
                nodes=nodes,
                by_id=by_id,
                depth=depth,
                ancestors=ancestors,
                maxima=maxima[a.group_id],
                scores=scores[a.id],
                exemptions=exemptions[a.id],
                evidence_counts=counts.get(a.id, {}),
            )
        )
        for a in assessments
    }


@dataclass(frozen=True)
class RunningTotal:
    standard: Decimal
    score: Decimal
    index: Decimal | None
    band: str | None
    bonus_claimed: Decimal
    bonus_counted: Decimal
    deductions: Decimal


def running_total(*, actor, assessment: Assessment) -> tuple[RunningTotal, dict]:
    """The SELF-stage total of the dossier so far and the sub-indexes by node code."""
    if not actor.has_perm("scoring.view_own_assessment", assessment):
        raise Http404
    (computation,) = assessment_scores_compute(
        period=assessment.period, stage=Stage.SELF, assessment_ids=[assessment.id]
    )
    score = computation.score
    total = RunningTotal(
        standard=score.standard,
        score=score.appraised,
        index=score.index,
        band=computation.band if score.index is not None else None,
        bonus_claimed=score.bonus_claimed,
        bonus_counted=score.bonus_counted,
        deductions=score.deductions,
    )
    return total, score.sub_indexes


@dataclass(frozen=True)
class FieldProgress:
    criterion: Criterion
    applicable: int
    scored: int
    exempt: int
    evidence: int
    points: Decimal
    sub_index: engine.NodeIndex | None

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def to_score(self) -> int:
        return self.applicable - self.exempt


def workspace_summary(*, actor, assessment: Assessment) -> dict:
    """Per field: leaves applicable / scored / exempt, evidence files, sub-index so far;
    plus the running total (standard, score, index, band) and the completeness check."""
    total, sub_indexes = running_total(actor=actor, assessment=assessment)
    state = _self_state(assessment)
    per_field: dict[int, dict] = {}
    for leaf in state.applicable_leaves():
        field_id = (state.ancestors[leaf.id] or (leaf.id,))[0]
        row = per_field.setdefault(
            field_id,
            {"applicable": 0, "scored": 0, "exempt": 0, "evidence": 0, "points": engine.ZERO},
        )
        row["applicable"] += 1
        row["evidence"] += state.evidence_counts.get(leaf.id, 0)
        if state.exempt_by(leaf.id) is not None:
            row["exempt"] += 1
            continue
        score = state.scores.get(leaf.id)
        if score is not None and score.value is not None:
            row["scored"] += 1
            row["points"] += score.value
    fields = [
        FieldProgress(
            criterion=node,
            sub_index=sub_indexes.get(node.code),
            points=engine.q2(per_field[node.id].pop("points")),
            **per_field[node.id],
        )
        for node in state.nodes
        if node.parent_id is None and node.id in per_field
    ]
    return {"fields": fields, "total": total, "completeness": _completeness(state)}


@dataclass(frozen=True)
class LevelOption:
    key: str
    label: str
    points: Decimal


@dataclass
class FormRow:
    """One line of a field's scoring form: a heading (criterion) or a leaf to score."""

    criterion: Criterion
    depth: int
    is_leaf: bool
    maximum: Decimal | None = None
    score: object = None  # LeafScore (SELF) or None
    exemption: object = None  # the leaf's own Exemption (SELF) or None
    exempt_by_code: str | None = None  # an ancestor's exemption covering the leaf
    links: list = field(default_factory=list)
    other_files: list = field(default_factory=list)
    evidence_count: int = 0
    level_options: list[LevelOption] = field(default_factory=list)

    @property
    def inputs(self) -> dict:
        return self.score.inputs if self.score is not None else {}

    @property
    def version(self) -> int:
        return self.score.version if self.score is not None else 0

    @property
    def is_exempt(self) -> bool:
        return self.exemption is not None or self.exempt_by_code is not None

    @property
    def params_json(self) -> str:
        """The method's parameters for the live preview in the browser (workspace.js)."""
        return json.dumps(self.criterion.params or {}, ensure_ascii=False)


def level_options(criterion: Criterion, maximum: Decimal) -> list[LevelOption]:
    return [
        LevelOption(
            key=str(level["key"]),
            label=str(level.get("label", level["key"])),
            points=engine.q2(maximum * Decimal(str(level["fraction"]))),
        )
        for level in (criterion.params or {}).get("levels", [])
    ]


def field_form_rows(*, actor, assessment: Assessment, field_code: str) -> tuple[Criterion, list]:
    """The field node and a row for each node under it that applies to the unit's group:
    criterion headings and leaves with maximum, SELF score, exemption and evidence."""
    if not actor.has_perm("scoring.view_own_assessment", assessment):
        raise Http404
    state = _self_state(assessment)
    field_node = next(
        (n for n in state.nodes if n.parent_id is None and n.code == field_code), None
    )
    if field_node is None:
        raise Http404
    evidence = hooks.evidence
    by_criterion = evidence.by_criterion(assessment=assessment) if evidence else {}
    files = list(evidence.files(assessment=assessment)) if evidence else []
    wanted = {field_node.id}
    for leaf_id in state.maxima:
        if leaf_id in state.ancestors and field_node.id in (*state.ancestors[leaf_id], leaf_id):
            wanted.update(state.ancestors[leaf_id])
            wanted.add(leaf_id)
    rows = []
    for node in state.nodes:
        if node.id not in wanted or node.id == field_node.id:
            continue
        if not node.is_leaf:
            rows.append(FormRow(criterion=node, depth=state.depth[node.id], is_leaf=False))
            continue
        maximum = state.maxima[node.id]
        covering = state.exempt_by(node.id)
        links = list(by_criterion.get(node.id, []))
        linked_ids = {f.pk for f in links}
        rows.append(
            FormRow(
                criterion=node,
                depth=state.depth[node.id],
                is_leaf=True,
                maximum=maximum,
                score=state.scores.get(node.id),
                exemption=state.exemptions.get(node.id),
                exempt_by_code=state.by_id[covering].code
                if covering not in (None, node.id)
                else None,
                links=links,
                other_files=[f for f in files if f.pk not in linked_ids],
                evidence_count=state.evidence_counts.get(node.id, len(links)),
                level_options=level_options(node, maximum),
            )
        )
    return field_node, rows


def leaf_form_row(*, actor, assessment: Assessment, criterion_id: int) -> FormRow:
    """One leaf's row (after a save): same shape as field_form_rows."""
    field_code = (
        Criterion.objects.filter(pk=criterion_id, period_id=assessment.period_id)
        .values_list("code", flat=True)
        .first()
    )
    if field_code is None:
        raise Http404
    _, rows = field_form_rows(
        actor=actor, assessment=assessment, field_code=field_code.split(".")[0]
    )
    for row in rows:
        if row.criterion.id == criterion_id and row.is_leaf:
            return row
    raise Http404


def evidence_enabled() -> bool:
    """Whether the evidence app's leaf block can be included in the forms."""
    return hooks.evidence is not None


def self_deadline_passed(*, assessment: Assessment) -> bool:
    """Past the unit's self-assessment deadline (scoring.rules decides the deadline)."""
    return rules.self_deadline_passed(assessment)


# --- a stage's scores, computed from the stored leaf scores (no writes) -----------------


def period_thresholds(period: Period) -> engine.BandThresholds:
    return engine.BandThresholds(
        tot=period.band_tot_min, kha=period.band_kha_min, trung_binh=period.band_trung_binh_min
    )


@dataclass(frozen=True)
class UnitComputation:
    assessment_id: int
    unit_id: int
    group_id: int
    score: engine.UnitScore
    band: str
    band_before_downgrade: str | None
    downgraded: bool
    unit_code: str = ""
    # Never submitted (a draft once the appraisal started) and, by the year's setting,
    # left out of the ranking (scoring.rules.left_out_of_ranking).
    not_submitted: bool = False
    left_out: bool = False


def assessment_scores_compute(
    *, period: Period, stage: str, assessment_ids: list[int] | None = None
) -> list[UnitComputation]:
    """Each unit's score, index and band at a stage, from stored leaf scores (no writes).

    A fixed number of queries whatever the number of units and leaves.
    """
    leaves = criteria_leaves(period=period)
    bonus_caps = dict(
        PeriodGroup.objects.filter(period=period).values_list("group_id", "bonus_cap")
    )
    assessments = Assessment.objects.filter(period=period).select_related("unit")
    if assessment_ids is not None:
        assessments = assessments.filter(pk__in=assessment_ids)
    assessments = list(assessments)
    sums = score_sums(leaves=leaves, assessments=assessments, stage=stage)
    thresholds = period_thresholds(period)
    appraisal_started = workflow.rules_of(period.phase).appraisal_started
    computations = []
    for assessment in assessments:
        assessment.period = period  # the rules below read it: no query per unit
        group_id = assessment.group_id
        score = engine.unit_score_from_sums(
            sums[assessment.id],
            bonus_cap=bonus_caps.get(group_id, Decimal("0")),
            cap_at_100=period.cap_index_at_100,
        )
        if score.index is None:
            band, before, downgraded = engine.YEU, None, False
        else:
            before = engine.band_for(score.index, thresholds)
            band, downgraded = engine.apply_downgrade(
                before, assessment.late_dossier_percent, period.downgrade_late_percent
            )
        computations.append(
            UnitComputation(
                assessment_id=assessment.id,
                unit_id=assessment.unit_id,
                group_id=group_id,
                score=score,
                band=band,
                band_before_downgrade=before,
                downgraded=downgraded,
                unit_code=assessment.unit.code,
                not_submitted=rules.never_submitted(assessment, appraisal_started),
                left_out=rules.left_out_of_ranking(assessment, appraisal_started),
            )
        )
    return computations
