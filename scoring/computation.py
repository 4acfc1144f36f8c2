"""Each unit's score sums at a stage, aggregated by the database (the index job's hot path).

Scores are summed per (assessment, parent node, kind) in SQL — a few dozen rows per unit
instead of a hundred leaves — then exemptions are taken away leaf by leaf (they are rare) and
the engine turns the sums into scores (`engine.unit_score_from_sums`). The result is exactly
what `engine.unit_score` gives over the unit's leaves, in a number of queries that grows with
the kinds of group (their sets of applicable leaves), not with units or leaves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from . import engine
from .models import Exemption, LeafScore


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


def score_sums(
    *, leaves: list[LeafSpec], assessments: list, stage: str
) -> dict[int, engine.ScoreSums]:
    """ScoreSums of every given assessment (objects with id and group_id)."""
    by_parent: dict[int | None, tuple[str, ...]] = {}
    group_base: dict[int, engine.ScoreSums] = defaultdict(engine.ScoreSums)
    for leaf in leaves:
        parent_id = leaf.ancestor_ids[-1] if leaf.ancestor_ids else None
        by_parent[parent_id] = leaf.ancestor_codes
        for group_id, maximum in leaf.maxima.items():
            # Every applicable leaf's maximum, no values yet: the group's standard.
            group_base[group_id].add(leaf.kind, maximum, None, leaf.ancestor_codes)

    ids = [a.id for a in assessments]
    sums: dict[int, engine.ScoreSums] = {}
    for assessment in assessments:
        base = group_base.get(assessment.group_id, engine.ScoreSums())
        sums[assessment.id] = engine.ScoreSums(
            standard=base.standard,
            node_standard=dict(base.node_standard),
            node_score={code: engine.ZERO for code in base.node_standard},
        )

    # One aggregate per set of leaves that do not apply (a handful of patterns, one per kind
    # of group; usually empty): their stray scores never count, and the database need not
    # join the maxima to find that out.
    all_leaves = frozenset(leaf.criterion_id for leaf in leaves)
    excluded: dict[int, frozenset[int]] = {
        group_id: all_leaves
        - frozenset(leaf.criterion_id for leaf in leaves if group_id in leaf.maxima)
        for group_id in {a.group_id for a in assessments}
    }
    by_pattern: dict[frozenset[int], list[int]] = defaultdict(list)
    for assessment in assessments:
        by_pattern[excluded[assessment.group_id]].append(assessment.id)
    for not_applicable, assessment_ids in by_pattern.items():
        scores = LeafScore.objects.filter(
            assessment_id__in=assessment_ids, stage=stage, value__isnull=False
        )
        if not_applicable:
            scores = scores.exclude(criterion_id__in=not_applicable)
        aggregated = (
            scores.values_list("assessment_id", "criterion__parent_id", "criterion__kind")
            .annotate(total=Sum("value"))
            .order_by()
        )
        for assessment_id, parent_id, kind, total in aggregated:
            # The maximum is already in the standard: add the value only.
            sums[assessment_id].add(kind, engine.ZERO, total, by_parent.get(parent_id, ()))

    exempt: dict[int, set[int]] = defaultdict(set)
    for assessment_id, criterion_id in Exemption.objects.filter(
        assessment_id__in=ids, stage=stage
    ).values_list("assessment_id", "criterion_id"):
        exempt[assessment_id].add(criterion_id)
    if exempt:
        group_of = {a.id: a.group_id for a in assessments}
        affected: dict[int, list[LeafSpec]] = {}
        for assessment_id, node_ids in exempt.items():
            group_id = group_of[assessment_id]
            affected[assessment_id] = [
                leaf
                for leaf in leaves
                if group_id in leaf.maxima
                and (leaf.criterion_id in node_ids or node_ids.intersection(leaf.ancestor_ids))
            ]
        values = {
            (a, c): v
            for a, c, v in LeafScore.objects.filter(
                assessment_id__in=list(exempt),
                stage=stage,
                criterion_id__in={leaf.criterion_id for ls in affected.values() for leaf in ls},
            ).values_list("assessment_id", "criterion_id", "value")
        }
        for assessment_id, exempt_leaves in affected.items():
            group_id = group_of[assessment_id]
            for leaf in exempt_leaves:
                sums[assessment_id].add(
                    leaf.kind,
                    leaf.maxima[group_id],
                    values.get((assessment_id, leaf.criterion_id)),
                    leaf.ancestor_codes,
                    sign=-1,
                )
    return sums
