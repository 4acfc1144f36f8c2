"""verify_results: a published year recomputed from its stored scores, tampering detected."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from parindex.integrity import results_verify
from scoring.enums import Phase, Stage
from scoring.models import Period, Result
from scoring.services import results_compute
from tests import factories as f


def _published_year(year=2023):
    group = f.make_group()
    period = f.make_period(year, Phase.ROUND2, groups=[group])
    nodes = f.make_small_tree(period, [group])
    for values in (("2", "1", "0.75"), ("2", "2", "1"), ("0", "1", "0.5")):
        assessment = f.make_assessment(period, f.make_unit(group))
        for code, value in zip(("1.1", "1.2", "2.1"), values, strict=True):
            f.set_score(assessment, nodes[code], value)
    stored_hash = results_compute(period=period, stage=Stage.FINAL)
    Period.objects.filter(pk=period.pk).update(phase=Phase.PUBLISHED)
    return period, nodes, stored_hash


def _run(year):
    out = io.StringIO()
    call_command("verify_results", "--year", str(year), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_verify_results_untouched_year_is_ok_and_prints_the_hash():
    period, _, stored_hash = _published_year()
    out = _run(period.year)
    assert f"stored results sha256: {stored_hash}" in out
    assert f"recomputed sha256:     {stored_hash}" in out
    assert "units checked: 3" in out and "OK" in out


@pytest.mark.django_db
def test_verify_results_detects_a_tampered_index():
    period, _, _ = _published_year()
    result = Result.objects.filter(period=period, stage=Stage.FINAL).order_by("rank_in_group")[2]
    Result.objects.filter(pk=result.pk).update(index=Decimal("99.99"))
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_results", "--year", str(period.year), stdout=out)
    assert error.value.returncode == 1
    assert f"DIFF {result.unit.code}: index đã lưu 99.99" in out.getvalue()


@pytest.mark.django_db
def test_verify_results_detects_a_score_changed_after_publication():
    period, nodes, _ = _published_year()
    from scoring.models import LeafScore

    score = LeafScore.objects.filter(criterion=nodes["2.1"], stage=Stage.FINAL).first()
    LeafScore.objects.filter(pk=score.pk).update(value=Decimal("0"))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_results", "--year", str(period.year), stdout=out)
    assert f"DIFF {score.assessment.unit.code}: appraised_score" in out.getvalue()


@pytest.mark.django_db
def test_verify_results_detects_a_deleted_result():
    period, _, _ = _published_year()
    victim = Result.objects.filter(period=period).first()
    victim.delete()
    with pytest.raises(CommandError):
        _run(period.year)


@pytest.mark.django_db
def test_verify_results_refuses_an_unpublished_or_missing_year():
    period, _, _ = _published_year()
    Period.objects.filter(pk=period.pk).update(phase=Phase.COUNCIL)
    with pytest.raises(CommandError, match="chưa công bố"):
        _run(period.year)
    with pytest.raises(CommandError, match="Không có kỳ"):
        _run(1999)


@pytest.mark.django_db
def test_verify_results_writes_nothing(django_assert_max_num_queries):
    period, _, stored_hash = _published_year()
    before = list(Result.objects.filter(period=period).values())
    _run(period.year)
    assert list(Result.objects.filter(period=period).values()) == before


@pytest.mark.django_db
def test_published_results_carry_their_inputs_hash_and_a_later_score_change_is_detected():
    from scoring.models import LeafScore
    from scoring.sealing import results_inputs_hash, results_seal

    group = f.make_group("so")
    period = f.make_period(2023, Phase.ROUND2, groups=[group])
    nodes = f.make_small_tree(period, [group])
    assessment = f.make_assessment(period, f.make_unit(group))
    f.set_score(assessment, nodes["1.1"], "2")
    results_compute(period=period, stage=Stage.FINAL)
    sealed = results_seal(period=period)
    period.phase = Phase.PUBLISHED
    period.save(update_fields=["phase"])

    assert set(Result.objects.filter(period=period).values_list("inputs_hash", flat=True)) == {
        sealed
    }
    assert results_verify(period=period).ok
    # A score edited in the database after publication, results left as they were.
    LeafScore.objects.filter(assessment=assessment).update(value="1.00")
    assert results_inputs_hash(period=period) != sealed
    check = results_verify(period=period)
    assert not check.ok
    assert any("sau khi công bố" in line for line in check.differences)


@pytest.mark.django_db
def test_a_seal_written_before_keys_were_sorted_still_verifies_until_an_input_changes():
    """Seals of years published before scoring.sealing sorted the keys hashed the params'
    dicts in the order the database gave them: verify_results accepts that hash while the
    inputs are unchanged, and still reports a changed score."""
    from scoring.models import Criterion, LeafScore
    from scoring.sealing import results_inputs_hash

    group = f.make_group("so")
    period = f.make_period(2023, Phase.ROUND2, groups=[group])
    nodes = f.make_small_tree(period, [group])
    leaf = nodes["1.2"]
    # Keys out of order at every length, so that no database keeps them sorted.
    Criterion.objects.filter(pk=leaf.pk).update(
        params={**leaf.params, "zz": {"b": 1, "a": 2}, "y": "1", "aaa": "2"}
    )
    assessment = f.make_assessment(period, f.make_unit(group))
    f.set_score(assessment, nodes["1.1"], "2")
    results_compute(period=period, stage=Stage.FINAL)
    earlier = results_inputs_hash(period=period, keys_as_stored=True)
    assert earlier != results_inputs_hash(period=period)  # the two ways differ here
    Result.objects.filter(period=period, stage=Stage.FINAL).update(inputs_hash=earlier)
    period.phase = Phase.PUBLISHED
    period.save(update_fields=["phase"])

    assert results_verify(period=period).ok
    LeafScore.objects.filter(assessment=assessment).update(value="1.00")
    check = results_verify(period=period)
    assert not check.ok
    assert any("sau khi công bố" in line for line in check.differences)
