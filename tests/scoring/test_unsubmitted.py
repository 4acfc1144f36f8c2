"""A unit that never submitted (issue 13): the year's choice decides whether its draft is
ranked; either way it is marked "không nộp hồ sơ" wherever it appears. "Left out" goes
through the engine (no rank, not in its group's size, mean or band counts)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from parindex.integrity import results_verify
from reports.documents import published_document
from reports.selectors import published_report
from scoring import engine
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Period, Result
from scoring.sealing import results_seal
from scoring.selectors import results_report
from scoring.services import results_compute
from tests.factories import (
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    set_score,
)

D = Decimal


def test_engine_left_out_takes_no_rank_and_no_place():
    indexes = {"A": D("90"), "B": D("95"), "C": D("80"), "D": D("95")}
    assert engine.competition_ranks(indexes, left_out={"B"}) == {
        "A": 2,
        "B": None,
        "C": 3,
        "D": 1,
    }
    standings = engine.group_standings({"g": indexes}, left_out={"B"})
    assert standings["B"] == engine.Standing(None, 3)
    assert standings["A"] == engine.Standing(2, 3)
    assert engine.ranked_only(indexes, {"B", "D"}) == [D("90"), D("80")]


@pytest.fixture
def year(db):
    group = make_group("so", "Khối sở")
    period = make_period(2024, Phase.ROUND2, groups=[group])
    nodes = make_small_tree(period, [group])
    units = {}
    for code, value, status in (("A", 2, "submitted"), ("B", 1, "submitted"), ("N", 2, "draft")):
        unit = make_unit(group, code, f"Đơn vị {code}")
        assessment = make_assessment(period, unit, status=status)
        set_score(assessment, nodes["1.1"], value)
        units[code] = assessment
    return period


def _compute(period, policy):
    Period.objects.filter(pk=period.pk).update(unsubmitted_policy=policy)
    period.refresh_from_db()
    results_compute(period=period, stage=Stage.FINAL)
    return {r.unit.code: r for r in Result.objects.filter(period=period).select_related("unit")}


def test_left_out_unit_has_no_rank_and_counts_in_no_group_figure(year):
    results = _compute(year, "exclude")
    never = results["N"]
    assert (never.not_submitted, never.ranked, never.rank_in_group) == (True, False, None)
    assert never.index is not None  # appraised figures are kept, not ranked
    assert (results["A"].rank_in_group, results["B"].rank_in_group) == (1, 2)
    assert results["A"].group_size == 2 and not results["A"].not_submitted
    report = results_report(period=year)
    [group] = report["groups"]
    assert (group["size"], group["left_out"]) == (2, 1)
    assert group["mean_index"] == f"{engine.mean([results['A'].index, results['B'].index]):.2f}"
    assert sum(group["band_counts"].values()) == 2
    assert sum(report["overall"]["band_counts"].values()) == 2
    unit = next(u for u in report["units"] if u["unit_code"] == "N")
    assert (unit["not_submitted"], unit["ranked"], unit["rank_in_group"]) == (True, False, None)


def test_appraised_draft_is_ranked_and_marked(year):
    results = _compute(year, "appraise")
    assert results["N"].ranked and results["N"].not_submitted
    assert results["N"].rank_in_group == 1 and results["A"].rank_in_group == 1  # tie at 2
    assert results["A"].group_size == 3
    [group] = results_report(period=year)["groups"]
    assert (group["size"], group["left_out"]) == (3, 0)


def test_marks_reach_open_data_reports_and_the_ranking_page(client, year):
    _compute(year, "exclude")
    Period.objects.filter(pk=year.pk).update(phase=Phase.PUBLISHED)
    year.refresh_from_db()
    out = io.StringIO()
    call_command("export_results", "--year", "2024", "--format", "csv", stdout=out)
    rows = {r["unit_code"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert (rows["N"]["not_submitted"], rows["N"]["ranked"], rows["N"]["rank_in_group"]) == (
        "true",
        "false",
        "",
    )
    assert (rows["A"]["not_submitted"], rows["A"]["ranked"]) == ("false", "true")
    document = published_document(published_report(period=year))
    names = [row[2] for section in document.tables[0].sections for row in section.rows]
    assert "Đơn vị N (không nộp hồ sơ, không xếp hạng)" in names
    page = client.get("/xep-hang/2024/").content.decode()
    assert "(không nộp hồ sơ, không xếp hạng)" in page


def test_verify_results_and_the_seal_know_the_choice(year):
    _compute(year, "exclude")
    Period.objects.filter(pk=year.pk).update(phase=Phase.PUBLISHED)
    year.refresh_from_db()
    results_seal(period=year)
    assert results_verify(period=year).ok
    # Changing the choice after publication is a change of the inputs: found.
    Period.objects.filter(pk=year.pk).update(unsubmitted_policy="appraise")
    year.refresh_from_db()
    check = results_verify(period=year)
    assert not check.ok
    assert any("dữ liệu đầu vào" in d for d in check.differences)  # the seal
    assert "N: ranked đã lưu False ≠ tính lại True" in check.differences


def test_submitted_years_keep_their_seal(year):
    """A year where every unit submitted hashes as before these fields existed."""
    from scoring.models import Assessment
    from scoring.sealing import results_digest

    Assessment.objects.update(status=AssessmentStatus.SUBMITTED)
    rows = [("A", 1, D("10"), D("2"), D("20"), "yeu", False, 1, 3, {})]
    assert results_digest(rows) == results_digest([(*rows[0], False, True)])
    assert results_digest(rows) != results_digest([(*rows[0], True, True)])
