"""Criterion analysis, improvement plan, scorecard, self vs appraised on a hand-built year."""

from decimal import Decimal

import pytest

from reports import selectors
from reports.models import ImprovementPlan
from reports.services import improvement_plan_draft
from scoring.enums import Phase, Stage
from scoring.services import results_compute
from tests.factories import (
    exempt,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    set_score,
)

FULL = {"1.1": "2", "1.2": "2", "2.1": "1", "2.2": "2", "2.3": "2", "2.4": "1", "D.1": "0"}


@pytest.fixture
def hand_built(db):
    """U1 full marks; U2 loses 1 on 1.2, 0.5 on 2.3 and is deducted 2; U3 loses 2 on 1.1 and
    1 on 1.2 and is exempt from the whole field 2."""
    group = make_group("so", "Khối sở")
    period = make_period(2024, phase=Phase.COUNCIL, groups=[group])
    nodes = make_small_tree(period, [group])
    units = [make_unit(group, f"U{i}", f"Đơn vị {i}") for i in (1, 2, 3)]
    scores = [
        dict(FULL),
        {**FULL, "1.2": "1", "2.3": "1.5", "D.1": "2"},
        {**FULL, "1.1": "0", "1.2": "1"},
    ]
    comments = {(1, "1.2"): "Báo cáo quý III trễ hạn", (2, "1.1"): "Không ban hành kế hoạch"}
    assessments = []
    for position, (unit, values) in enumerate(zip(units, scores, strict=True)):
        assessment = make_assessment(period, unit)
        assessments.append(assessment)
        for code, value in values.items():
            set_score(
                assessment,
                nodes[code],
                value,
                Stage.FINAL,
                comment=comments.get((position, code), ""),
            )
            set_score(assessment, nodes[code], FULL[code], Stage.SELF)
    exempt(assessments[2], nodes["2"], Stage.FINAL, reason="Không có TTHC")
    results_compute(period=period, stage=Stage.FINAL)
    return {"period": period, "units": units, "nodes": nodes}


def test_criterion_analysis_counts_exact(hand_built):
    nodes = {
        n["code"]: n for n in selectors.criterion_analysis(period=hand_built["period"])["nodes"]
    }
    assert set(nodes) == {"1", "1.1", "1.2", "2", "2.1", "2.2", "2.3", "2.4", "D", "D.1"}
    summary = {
        code: (n["applicable"], n["full"], n["lost_count"], n["lost_total"])
        for code, n in nodes.items()
    }
    assert summary == {
        "1": (3, 1, 2, Decimal("4.00")),
        "1.1": (3, 2, 1, Decimal("2.00")),
        "1.2": (3, 1, 2, Decimal("2.00")),
        "2": (2, 1, 1, Decimal("0.50")),
        "2.1": (2, 2, 0, Decimal("0.00")),
        "2.2": (2, 2, 0, Decimal("0.00")),
        "2.3": (2, 1, 1, Decimal("0.50")),
        "2.4": (2, 2, 0, Decimal("0.00")),
        "D": (3, 2, 1, Decimal("2.00")),
        "D.1": (3, 2, 1, Decimal("2.00")),
    }
    assert nodes["1.2"]["summary"] == "2/3 đơn vị bị trừ điểm ở tiêu chí 1.2"
    assert [(u["unit_code"], u["lost"], u["comments"]) for u in nodes["1"]["units"]] == [
        ("U3", Decimal("3.00"), ["1.1: Không ban hành kế hoạch"]),
        ("U2", Decimal("1.00"), ["1.2: Báo cáo quý III trễ hạn"]),
    ]


def test_improvement_plan_draft_from_lost_leaves(hand_built):
    period, units = hand_built["period"], hand_built["units"]
    plan = improvement_plan_draft(actor=None, period=period, unit=units[1])
    items = [
        (i.order, i.code, i.content, i.cause, i.lead_unit, i.deadline) for i in plan.items.all()
    ]
    assert items == [
        (
            1,
            "1.2",
            "Báo cáo định kỳ (bị trừ 1,00/2,00 điểm)",
            "Báo cáo quý III trễ hạn",
            "Đơn vị 2",
            "2025",
        ),
        (2, "2.3", "Mức độ hài lòng (bị trừ 0,50/2,00 điểm)", "", "Đơn vị 2", "2025"),
        (3, "D.1", "Không hoàn thành nhiệm vụ (bị trừ 2,00/4,00 điểm)", "", "Đơn vị 2", "2025"),
    ]
    # Drafting again keeps the (possibly edited) plan.
    plan.items.filter(code="2.3").update(remedy="Khảo sát lại")
    again = improvement_plan_draft(actor=None, period=period, unit=units[1])
    assert again.pk == plan.pk and ImprovementPlan.objects.count() == 1
    assert again.items.get(code="2.3").remedy == "Khảo sát lại"
    assert improvement_plan_draft(actor=None, period=period, unit=units[0]).items.count() == 0


def test_scorecard_fields_and_lost_leaves(hand_built):
    card = selectors.unit_scorecard(period=hand_built["period"], unit=hand_built["units"][2])
    assert card["result"].index == Decimal("25.00")  # 1 / 4 (field 2 exempt)
    assert [(f["code"], f["standard"], f["score"], f["index"]) for f in card["fields"]] == [
        ("1", Decimal("4.00"), Decimal("1.00"), Decimal("25.00"))
    ]
    assert [(r["code"], r["lost"], r["comment"]) for r in card["lost"]] == [
        ("1.1", Decimal("2.00"), "Không ban hành kế hoạch"),
        ("1.2", Decimal("1.00"), ""),
    ]


def test_self_vs_appraised_gap(hand_built):
    data = selectors.self_vs_appraised(period=hand_built["period"])
    rows = {r["unit_code"]: (r["self_index"], r["final_index"], r["gap"]) for r in data["rows"]}
    assert rows == {
        "U1": (Decimal("100.00"), Decimal("100.00"), Decimal("0.00")),
        "U2": (Decimal("100.00"), Decimal("65.00"), Decimal("35.00")),
        "U3": (Decimal("100.00"), Decimal("25.00"), Decimal("75.00")),
    }
    assert [r["unit_code"] for r in data["rows"]] == ["U3", "U2", "U1"]
    assert data["over_claiming"] == 2
