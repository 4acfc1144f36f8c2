"""Writes of scoring. Each service is keyword-only and atomic."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from . import engine
from .enums import Phase, ResultSource, Stage
from .models import Assessment, Exemption, LeafScore, Period, PeriodGroup, Result
from .selectors import criteria_leaves


class PublishedYearError(Exception):
    """A published year's results are frozen."""


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
    ids = [a.id for a in assessments]
    values: dict[tuple[int, int], Decimal | None] = {
        (a, c): v
        for a, c, v in LeafScore.objects.filter(assessment_id__in=ids, stage=stage).values_list(
            "assessment_id", "criterion_id", "value"
        )
    }
    exempt: dict[int, set[int]] = defaultdict(set)
    for a, c in Exemption.objects.filter(assessment_id__in=ids, stage=stage).values_list(
        "assessment_id", "criterion_id"
    ):
        exempt[a].add(c)
    thresholds = period_thresholds(period)
    computations = []
    for assessment in assessments:
        group_id = assessment.unit.group_id
        exempt_ids = exempt.get(assessment.id, set())
        lines = [
            engine.LeafLine(
                code=leaf.code,
                maximum=leaf.maxima[group_id],
                value=values.get((assessment.id, leaf.criterion_id)),
                kind=leaf.kind,
                exempt=leaf.criterion_id in exempt_ids
                or any(a in exempt_ids for a in leaf.ancestor_ids),
                ancestors=leaf.ancestor_codes,
            )
            for leaf in leaves
            if group_id in leaf.maxima
        ]
        score = engine.unit_score(
            lines,
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
            )
        )
    return computations


def _details(computation: UnitComputation) -> dict:
    score = computation.score
    return {
        "scored": f"{score.scored:.2f}",
        "bonus_claimed": f"{score.bonus_claimed:.2f}",
        "bonus_counted": f"{score.bonus_counted:.2f}",
        "deductions": f"{score.deductions:.2f}",
        "band_before_downgrade": computation.band_before_downgrade,
        "sub_indexes": {
            code: {
                "standard": f"{node.standard:.2f}",
                "score": f"{node.score:.2f}",
                "index": None if node.index is None else f"{node.index:.2f}",
            }
            for code, node in sorted(score.sub_indexes.items())
        },
    }


def results_hash(*, period: Period, stage: str) -> str:
    """SHA-256 of a stage's stored results, in a canonical order."""
    rows = Result.objects.filter(period=period, stage=stage).order_by("unit__code")
    payload = [
        [
            r.unit.code,
            r.group_id,
            str(r.standard_score),
            str(r.appraised_score),
            str(r.index),
            r.band,
            r.downgraded,
            r.rank_in_group,
            r.group_size,
            r.details,
        ]
        for r in rows.select_related("unit")
    ]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def results_compute(*, period: Period, stage: str = Stage.FINAL, force: bool = False) -> str:
    """Compute and store every unit's result at a stage; returns the results' hash.

    Safe to run twice: results are recomputed from the stored scores and replaced whole.
    A published year's final results are immutable unless `force` (used by a reopening).
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.phase == Phase.PUBLISHED and stage == Stage.FINAL and not force:
        raise PublishedYearError(
            _("Kết quả năm %(year)s đã công bố, không thể tính lại.") % {"year": period.year}
        )
    computations = assessment_scores_compute(period=period, stage=stage)
    ranks_by_group: dict[int, dict[int, int | None]] = {}
    sizes: dict[int, int] = defaultdict(int)
    indexes_by_group: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for c in computations:
        indexes_by_group[c.group_id][c.unit_id] = c.score.index
        sizes[c.group_id] += 1
    for group_id, indexes in indexes_by_group.items():
        ranks_by_group[group_id] = engine.competition_ranks(indexes)

    Result.objects.filter(period=period, stage=stage).delete()
    Result.objects.bulk_create(
        [
            Result(
                period=period,
                unit_id=c.unit_id,
                group_id=c.group_id,
                stage=stage,
                standard_score=c.score.standard,
                appraised_score=c.score.appraised,
                index=c.score.index,
                band=c.band,
                downgraded=c.downgraded,
                rank_in_group=ranks_by_group[c.group_id][c.unit_id],
                group_size=sizes[c.group_id],
                source=ResultSource.COMPUTED,
                details=_details(c),
            )
            for c in computations
        ]
    )
    return results_hash(period=period, stage=stage)
