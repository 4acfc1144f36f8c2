"""scoring.sealing: one canonical JSON for the results' hashes and their seal."""

from decimal import Decimal

import pytest

from scoring.enums import Phase, Stage
from scoring.models import Criterion
from scoring.sealing import canonical_json, digest, results_inputs_hash, results_seal
from tests.factories import (
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    set_score,
)

D = Decimal


def test_canonical_json_is_the_same_whatever_the_key_order():
    one = {"b": 1, "a": {"y": D("2.50"), "x": [1, {"q": 1, "p": 2}]}}
    other = {"a": {"x": [1, {"p": 2, "q": 1}], "y": D("2.50")}, "b": 1}
    assert canonical_json(one) == canonical_json(other)
    assert canonical_json(one) == '{"a": {"x": [1, {"p": 2, "q": 1}], "y": "2.50"}, "b": 1}'
    assert digest(one) == digest(other)


def test_digest_changes_with_any_input():
    base = {"a": 1, "b": [D("1.00"), "tiêu chí"]}
    assert digest(base) != digest({"a": 2, "b": [D("1.00"), "tiêu chí"]})
    assert digest(base) != digest({"a": 1, "b": [D("1.01"), "tiêu chí"]})
    assert digest(base) != digest({"a": 1, "b": ["tiêu chí", D("1.00")]})  # lists keep order


def test_canonical_json_refuses_what_it_cannot_say_exactly():
    with pytest.raises(TypeError):
        canonical_json({"a": 1.5j})


@pytest.fixture
def year(db):
    group = make_group("so", "Khối sở", order=1)
    period = make_period(2024, Phase.ROUND2, groups=[group])
    nodes = make_small_tree(period, [group])
    assessment = make_assessment(period, make_unit(group, "A1"))
    set_score(assessment, nodes["1.1"], 2, stage=Stage.FINAL)
    return period, nodes, assessment


def test_inputs_hash_is_the_same_whatever_order_the_params_keys_were_stored_in(year):
    period, nodes, _ = year
    leaf = nodes["1.2"]
    params = dict(leaf.params, extra={"b": "2", "a": "1"}, another="x")
    Criterion.objects.filter(pk=leaf.pk).update(params=params)
    first = results_inputs_hash(period=period, stage=Stage.FINAL)
    reordered = {key: params[key] for key in reversed(list(params))}
    reordered["extra"] = {"a": "1", "b": "2"}
    assert list(reordered) != list(params)
    Criterion.objects.filter(pk=leaf.pk).update(params=reordered)
    assert results_inputs_hash(period=period, stage=Stage.FINAL) == first


def test_inputs_hash_changes_when_an_input_changes_and_the_seal_keeps_it(year):
    period, nodes, assessment = year
    sealed = results_seal(period=period)
    assert sealed == results_inputs_hash(period=period, stage=Stage.FINAL)
    set_score(assessment, nodes["1.2"], 1, stage=Stage.FINAL)
    scored = results_inputs_hash(period=period, stage=Stage.FINAL)
    assert scored != sealed
    Criterion.objects.filter(pk=nodes["1.2"].pk).update(params={**nodes["1.2"].params, "k": 1})
    assert results_inputs_hash(period=period, stage=Stage.FINAL) not in (sealed, scored)
