"""The one leaf-score write (scoring.services): points, version, audit, stale check, bulk paths.

Its callers' behaviour is tested where they live (self-assessment, appraisal, reports' survey
leaves, the demo); here the service itself, and the path that used to skip it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.services import external_inputs_apply, sipas_import
from scoring import engine
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import AuditEntry, Exemption, LeafScore
from scoring.services import (
    StaleVersionError,
    leaf_score_new,
    leaf_score_points,
    leaf_score_write,
    leaf_scores_copy,
    leaf_scores_create,
)
from tests.factories import (
    exempt,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaf(db):
    group = make_group("so")
    period = make_period(2025, Phase.ROUND1, groups=[group])
    nodes = make_small_tree(period, [group])
    assessment = make_assessment(period, make_unit(group, "A"))
    return {"assessment": assessment, "nodes": nodes, "period": period, "group": group}


def _write(leaf, code="2.1", stage=Stage.ROUND1, inputs=None, **kw):
    criterion = leaf["nodes"][code]
    cleaned, value = leaf_score_points(
        assessment=leaf["assessment"], criterion=criterion, stage=stage, inputs=inputs or {}
    )
    return leaf_score_write(
        actor=kw.pop("actor", None),
        assessment=leaf["assessment"],
        criterion=criterion,
        stage=stage,
        inputs=cleaned,
        value=value,
        **kw,
    )


def _audits():
    return list(AuditEntry.objects.filter(action__in=[AuditAction.SCORE, AuditAction.CROSS_CHECK]))


def test_write_points_version_audit_and_same_again_is_nothing(leaf):
    actor = make_user("tham_dinh")
    score, written = _write(
        leaf, inputs={"value": " 0,75 ", "junk": "x"}, entered={"comment": "Thiếu"}, actor=actor
    )
    assert written and (score.value, score.inputs, score.version) == (
        Decimal("0.75"),
        {"value": "0,75"},
        1,
    )
    assert score.updated_by == actor
    [entry] = _audits()
    assert entry.old_value is None and entry.new_value["value"] == "0.75"
    assert entry.new_value["comment"] == "Thiếu" and entry.actor == actor

    again, written = _write(leaf, inputs={"value": "0,75"}, entered={"comment": "Thiếu"})
    assert not written and again.version == 1 and len(_audits()) == 1

    changed, written = _write(leaf, inputs={"value": "0,5"}, entered={"comment": "Thiếu"})
    assert written and changed.version == 2
    assert _audits()[-1].old_value["value"] == "0.75"
    assert _audits()[-1].new_value["value"] == "0.50"


def test_a_field_not_given_stays_and_unknown_fields_are_refused(leaf):
    _write(leaf, inputs={"value": "1"}, entered={"comment": "Đủ", "supplement_requested": True})
    score, written = _write(leaf, inputs={"value": "0,5"})
    assert written and (score.comment, score.supplement_requested) == ("Đủ", True)
    with pytest.raises(TypeError):
        _write(leaf, inputs={"value": "1"}, entered={"explanation": "x"})  # not a round's


def test_stale_version_refused_nothing_written(leaf):
    _write(leaf, inputs={"value": "1"})
    with pytest.raises(StaleVersionError) as stale:
        _write(leaf, inputs={"value": "0,5"}, expected_version=0)
    assert stale.value.current.version == 1
    assert LeafScore.objects.get().value == Decimal("1.00") and len(_audits()) == 1
    score, _written = _write(leaf, inputs={"value": "0,5"}, expected_version=1)
    assert score.version == 2


def test_write_unchanged_confirms_with_its_own_action(leaf):
    _write(leaf, inputs={"value": "1"}, provisional=True)
    score, written = _write(
        leaf,
        inputs={"value": "1"},
        provisional=False,
        write_unchanged=True,
        action=AuditAction.CROSS_CHECK,
        audit_extra={"decision": "confirmed"},
        reason="Đồng ý",
    )
    assert written and score.version == 2 and not score.provisional
    entry = _audits()[-1]
    assert (entry.action, entry.reason, entry.new_value["decision"]) == (
        AuditAction.CROSS_CHECK,
        "Đồng ý",
        "confirmed",
    )


def test_points_refused_for_an_exempt_leaf_and_not_a_leaf_of_the_group(leaf):
    exempt(leaf["assessment"], leaf["nodes"]["2"], stage=Stage.ROUND1)
    with pytest.raises(ValidationError, match="đang được giảm trừ ở vòng này"):
        _write(leaf, inputs={"value": "1"})
    exempt(leaf["assessment"], leaf["nodes"]["2"], stage=Stage.SELF)
    with pytest.raises(ValidationError, match="đang được đề nghị giảm trừ"):
        _write(leaf, stage=Stage.SELF, inputs={"value": "1"})
    # Nothing entered: no points, and the exemption does not stand in the way.
    score, _written = _write(leaf, stage=Stage.SELF, entered={"explanation": "Không phát sinh"})
    assert score.value is None
    with pytest.raises(ValidationError, match="không áp dụng"):
        _write(leaf, code="2", inputs={"value": "1"})
    with pytest.raises(engine.ScoringInputError):
        _write(leaf, code="1.2", inputs={"level": "khong-co"})
    assert LeafScore.objects.count() == 1


def test_bulk_new_scores_and_the_round_copy(leaf):
    assessment, nodes = leaf["assessment"], leaf["nodes"]
    scores = [
        leaf_score_new(
            assessment=assessment,
            criterion=nodes["1.1"],
            stage=Stage.SELF,
            inputs={"answer": True},
            maximum=Decimal("2"),
            explanation="Có kế hoạch",
        ),
        leaf_score_new(
            assessment=assessment,
            criterion=nodes["2.1"],
            stage=Stage.ROUND1,
            inputs={"value": "0,5", "extra": "x"},
            maximum=Decimal("1"),
            comment="Thiếu",
        ),
    ]
    assert leaf_scores_create(scores) == 2
    stored = {s.criterion.code: s for s in LeafScore.objects.all()}
    assert (stored["1.1"].value, stored["1.1"].version) == (Decimal("2.00"), 1)
    assert stored["2.1"].inputs == {"value": "0,5"} and stored["2.1"].value == Decimal("0.50")
    with pytest.raises(TypeError):
        leaf_score_new(
            assessment=assessment,
            criterion=nodes["1.1"],
            stage=Stage.SELF,
            inputs={},
            maximum=Decimal("2"),
            comment="not the unit's",
        )

    # Round 1 prefilled from the self stage (its exemption claims too), then the final round.
    exempt(assessment, nodes["D"], stage=Stage.SELF, reason="Không có nhiệm vụ")
    assert leaf_scores_copy(period=leaf["period"], source=Stage.SELF, target=Stage.ROUND1) == 1
    assert leaf_scores_copy(period=leaf["period"], source=Stage.SELF, target=Stage.ROUND1) == 0
    assert leaf_scores_copy(period=leaf["period"], source=Stage.ROUND1, target=Stage.FINAL) == 2
    final = {s.criterion.code: s for s in LeafScore.objects.filter(stage=Stage.FINAL)}
    assert final["2.1"].comment == "Thiếu" and final["1.1"].comment == ""
    assert {s.version for s in final.values()} == {1}
    copied = Exemption.objects.filter(criterion=nodes["D"]).values_list("stage", "reason")
    assert sorted(copied) == sorted(
        (stage, "Không có nhiệm vụ") for stage in (Stage.SELF, Stage.ROUND1, Stage.FINAL)
    )


def test_survey_leaves_from_sipas_keep_the_version_and_audit(leaf):
    """The path that wrote around the version: each change now bumps it, with an audit row,
    and leaves the appraisal's comment alone."""
    period, node = leaf["period"], leaf["nodes"]["2.3"]
    sipas_import(actor=None, period=period, content=b"unit_code,sipas\nA,45\n", filename="s.csv")
    assert external_inputs_apply(period=period, stage=Stage.ROUND1) == 1
    assert external_inputs_apply(period=period, stage=Stage.ROUND1) == 1
    score = LeafScore.objects.get(criterion=node, stage=Stage.ROUND1)
    assert (score.value, score.version) == (Decimal("1.00"), 1)
    LeafScore.objects.filter(pk=score.pk).update(comment="Theo khảo sát")
    sipas_import(actor=None, period=period, content=b"unit_code,sipas\nA,90\n", filename="s.csv")
    external_inputs_apply(period=period, stage=Stage.ROUND1)
    score.refresh_from_db()
    assert (score.value, score.version, score.comment) == (Decimal("2.00"), 2, "Theo khảo sát")
    audits = AuditEntry.objects.filter(action=AuditAction.INPUTS_APPLY, criterion=node)
    assert [(a.old_value and a.old_value["version"], a.new_value["version"]) for a in audits] == [
        (None, 1),
        (1, 2),
    ]
