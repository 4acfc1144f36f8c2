"""The index job's aggregated sums give exactly what the engine gives over each leaf."""

import random
from decimal import Decimal

import pytest

from scoring import engine
from scoring.computation import score_sums
from scoring.enums import Stage
from scoring.models import Assessment, Criterion, Exemption, LeafScore
from scoring.selectors import criteria_leaves
from tests import factories as f


def _engine_over_leaves(period, assessment, leaves, cap):
    values = dict(
        LeafScore.objects.filter(assessment=assessment, stage=Stage.FINAL).values_list(
            "criterion_id", "value"
        )
    )
    exempt = set(
        Exemption.objects.filter(assessment=assessment, stage=Stage.FINAL).values_list(
            "criterion_id", flat=True
        )
    )
    group_id = assessment.unit.group_id
    lines = [
        engine.LeafLine(
            code=leaf.code,
            maximum=leaf.maxima[group_id],
            value=values.get(leaf.criterion_id),
            kind=leaf.kind,
            exempt=leaf.criterion_id in exempt or bool(exempt & set(leaf.ancestor_ids)),
            ancestors=leaf.ancestor_codes,
        )
        for leaf in leaves
        if group_id in leaf.maxima
    ]
    return engine.unit_score(lines, bonus_cap=cap, cap_at_100=period.cap_index_at_100)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_sums_equal_the_engine_over_leaves(seed):
    rng = random.Random(seed)
    so, xa = f.make_group("so"), f.make_group("xa")
    period = f.make_period(2025, groups=[so, xa], bonus_cap=Decimal("3"))
    nodes = f.make_small_tree(period, [so, xa])
    # A leaf that does not apply to the communes, with a stray score that must be ignored.
    f.make_node(
        period,
        "2.5",
        "Chỉ cho khối sở",
        nodes["2"],
        method="manual",
        params={"step": "0.5"},
        maxima={so: "3"},
    )
    leaves = criteria_leaves(period=period)
    criteria = {c.id: c for c in Criterion.objects.filter(period=period)}
    for index in range(6):
        unit = f.make_unit(so if index % 2 else xa)
        assessment = f.make_assessment(period, unit)
        for leaf in leaves:
            if rng.random() < 0.85:
                top = leaf.maxima.get(unit.group_id) or Decimal("1")
                f.set_score(
                    assessment,
                    criteria[leaf.criterion_id],
                    Decimal(rng.randint(0, int(top * 4))) / 4,
                )
        if rng.random() < 0.7:
            f.exempt(assessment, nodes[rng.choice(["1.2", "2", "2.3", "B"])])

    assessments = list(Assessment.objects.filter(period=period).select_related("unit"))
    sums = score_sums(leaves=leaves, assessments=assessments, stage=Stage.FINAL)
    for assessment in assessments:
        expected = _engine_over_leaves(period, assessment, leaves, Decimal("3"))
        got = engine.unit_score_from_sums(
            sums[assessment.id], bonus_cap=Decimal("3"), cap_at_100=period.cap_index_at_100
        )
        assert got == expected
