"""scoring.services.results_compute over a small real tree (PAR-INDEX.md §3).

The small tree (tests.factories.make_small_tree) gives every group 10 scored points:
1.1 yes/no 2, 1.2 levels 2, 2.1 manual 1, 2.2 ratio 2, 2.3 survey 2, 2.4 count 1,
bonus B.1 (capped by the group's bonus cap) and deduction D.1.
"""

from decimal import Decimal

import pytest

from scoring.enums import Phase, ResultSource, Stage
from scoring.models import LeafScore, PeriodGroup, Result
from scoring.sealing import results_hash
from scoring.selectors import results_report
from scoring.services import PublishedYearError, results_compute
from tests.factories import (
    exempt,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    set_score,
)

pytestmark = pytest.mark.django_db

D = Decimal
FULL = {"1.1": 2, "1.2": 2, "2.1": 1, "2.2": 2, "2.3": 2, "2.4": 1}


def scored_unit(period, nodes, group, code, values, stage=Stage.FINAL, **assessment_kw):
    assessment = make_assessment(period, make_unit(group, code), **assessment_kw)
    for node_code, value in values.items():
        set_score(assessment, nodes[node_code], value, stage=stage)
    return assessment


@pytest.fixture
def year():
    """Two groups: departments (bonus cap 5) and districts (bonus cap 2)."""
    departments = make_group("so", "Khối sở", order=1)
    districts = make_group("huyen", "Khối huyện", order=2)
    period = make_period(2024, Phase.ROUND2, groups=[departments, districts])
    PeriodGroup.objects.filter(period=period, group=districts).update(bonus_cap=D("2"))
    nodes = make_small_tree(period, [departments, districts])
    # Departments: a tie at 100, one at exactly 85 with 10% late dossiers (downgrade),
    # one with the ratio criterion 2.2 exempt (leaves the standard score).
    scored_unit(period, nodes, departments, "A1", FULL, late_dossier_percent=D("9.99"))
    scored_unit(period, nodes, departments, "A2", FULL)
    scored_unit(
        period,
        nodes,
        departments,
        "A3",
        {**FULL, "1.2": 1, "2.1": "0.5"},
        late_dossier_percent=D("10"),
    )
    a4 = scored_unit(period, nodes, departments, "A4", {**FULL, "2.2": 2, "2.3": 1, "2.4": "0.5"})
    exempt(a4, nodes["2.2"])
    # Districts: bonus above the cap and a deduction; a plain one; one with no score at all.
    scored_unit(
        period,
        nodes,
        districts,
        "B1",
        {"1.1": 2, "1.2": 2, "2.1": 1, "2.4": 1, "2.2": 0, "2.3": 0, "B.1": 3, "D.1": 2},
    )
    scored_unit(period, nodes, districts, "B2", {"1.1": 2, "1.2": 2, "2.1": 1})
    scored_unit(period, nodes, districts, "B3", {})
    return period, nodes


def stored(period, stage=Stage.FINAL):
    return {
        r.unit.code: r
        for r in Result.objects.filter(period=period, stage=stage).select_related("unit")
    }


def test_results_compute_scores_index_band_and_ranks(year):
    period, _nodes = year
    results_compute(period=period)
    rows = stored(period)

    a1, a2, a3, a4 = (rows[c] for c in ("A1", "A2", "A3", "A4"))
    assert (a1.standard_score, a1.appraised_score, a1.index, a1.band) == (
        D("10.00"),
        D("10.00"),
        D("100.00"),
        "tot",
    )
    # Ties share a rank, the next is 3rd.
    assert [r.rank_in_group for r in (a1, a2, a3, a4)] == [1, 1, 3, 4]
    assert {r.group_size for r in (a1, a2, a3, a4)} == {4}
    assert (a3.index, a3.band, a3.downgraded) == (D("85.00"), "kha", True)
    assert a3.details["band_before_downgrade"] == "tot"
    assert (a1.band, a1.downgraded) == ("tot", False)  # 9.99% late: below the threshold
    assert {r.source for r in rows.values()} == {ResultSource.COMPUTED}


def test_results_compute_exemption_leaves_the_standard_score(year):
    period, _nodes = year
    results_compute(period=period)
    a4 = stored(period)["A4"]

    # 2.2 (2 points) exempt: standard 8, its score ignored: 2+2+1+1+0.5 = 6.5 → 81.25%.
    assert (a4.standard_score, a4.appraised_score, a4.index, a4.band) == (
        D("8.00"),
        D("6.50"),
        D("81.25"),
        "kha",
    )
    field_2 = a4.details["sub_indexes"]["2"]
    assert field_2 == ["4.00", "2.50", "62.50"]  # standard, score, index


def test_results_compute_bonus_cap_of_the_group_and_deductions(year):
    period, _nodes = year
    results_compute(period=period)
    rows = stored(period)

    b1 = rows["B1"]
    # 6 scored + min(3, cap 2) − 2 = 6 → 60.00% Trung bình.
    assert (b1.standard_score, b1.appraised_score, b1.index, b1.band) == (
        D("10.00"),
        D("6.00"),
        D("60.00"),
        "trung_binh",
    )
    assert (b1.details["bonus_claimed"], b1.details["bonus_counted"]) == ("3.00", "2.00")
    assert b1.details["deductions"] == "2.00"
    # A leaf without a score counts 0 but keeps its maximum in the standard.
    assert (rows["B2"].index, rows["B2"].band, rows["B2"].rank_in_group) == (D("50.00"), "yeu", 2)
    assert (rows["B3"].standard_score, rows["B3"].index, rows["B3"].rank_in_group) == (
        D("10.00"),
        D("0.00"),
        3,
    )
    assert {rows[c].group_size for c in ("B1", "B2", "B3")} == {3}


def test_results_compute_bonus_may_lift_index_above_100_when_not_capped():
    group = make_group("so", "Khối sở")
    period = make_period(2024, Phase.ROUND2, groups=[group], cap_index_at_100=False)
    nodes = make_small_tree(period, [group])
    scored_unit(period, nodes, group, "A", {**FULL, "2.4": 0, "B.1": 3})
    results_compute(period=period)
    # 9 + 3 bonus (cap 5) = 12 / 10 → 120.00%.
    assert stored(period)["A"].index == D("120.00")

    period.cap_index_at_100 = True
    period.save()
    results_compute(period=period)
    assert stored(period)["A"].index == D("100.00")


def test_results_compute_overall_mean_is_mean_of_group_means(year):
    period, _nodes = year
    results_compute(period=period)
    report = results_report(period=period)

    # Departments (100 + 100 + 85 + 81.25) / 4 = 91.5625 → 91.56; districts 110 / 3 → 36.67.
    assert [g["mean_index"] for g in report["groups"]] == ["91.56", "36.67"]
    # Mean of the group means 64.115 → 64.12; the mean of all 7 units would be 68.04.
    assert report["overall"]["mean_index"] == "64.12"
    assert report["overall"]["band_counts"] == {"tot": 2, "kha": 2, "trung_binh": 1, "yeu": 2}


def test_results_compute_twice_gives_the_same_hash_and_rows(year):
    period, _nodes = year
    first = results_compute(period=period)
    count = Result.objects.count()
    second = results_compute(period=period)

    assert first == second == results_hash(period=period, stage=Stage.FINAL)
    assert len(first) == 64
    assert Result.objects.count() == count == 7


def test_results_compute_hash_changes_when_a_score_changes(year):
    period, nodes = year
    first = results_compute(period=period)
    LeafScore.objects.filter(assessment__unit__code="B2", criterion=nodes["2.1"]).update(
        value=D("0.5")
    )
    assert results_compute(period=period) != first
    assert stored(period)["B2"].index == D("45.00")


def test_results_compute_stages_are_separate(year):
    period, nodes = year
    results_compute(period=period)
    a1 = Result.objects.get(unit__code="A1", stage=Stage.FINAL)
    set_score(a1.unit.assessments.get(), nodes["1.1"], 0, stage=Stage.ROUND1)

    results_compute(period=period, stage=Stage.ROUND1)

    assert Result.objects.filter(stage=Stage.FINAL).count() == 7
    round1 = Result.objects.get(unit__code="A1", stage=Stage.ROUND1)
    assert (round1.standard_score, round1.appraised_score) == (D("10.00"), D("0.00"))
    a1.refresh_from_db()
    assert a1.index == D("100.00")


def test_results_compute_published_year_refuses(year):
    period, _nodes = year
    first = results_compute(period=period)
    period.phase = Phase.PUBLISHED
    period.save()
    LeafScore.objects.filter(assessment__unit__code="A1").update(value=D("0"))

    with pytest.raises(PublishedYearError, match="đã công bố"):
        results_compute(period=period)
    assert results_hash(period=period, stage=Stage.FINAL) == first
    assert stored(period)["A1"].index == D("100.00")
    # A reopening forces the recomputation.
    results_compute(period=period, force=True)
    assert stored(period)["A1"].index == D("0.00")
