"""The index engine against every rule of PAR-INDEX.md §3 (examples + properties)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import LeafLine, ScoringInputError

D = Decimal


# --- rounding and display ------------------------------------------------------------------


def test_q2_rounds_half_up():
    assert engine.q2(D("93.425")) == D("93.43")
    assert engine.q2(D("93.435")) == D("93.44")
    assert engine.q2(D("-1.005")) == D("-1.01")
    assert engine.q2(D("2")) == D("2.00")


def test_index_of_published_example_is_rounded_half_up():
    # 75.00 / 80.50 × 100 = 93.1677… → 93.17 (PAR-INDEX.md §3)
    assert engine.ratio_index(D("75.00"), D("80.50")) == D("93.17")
    # Two departments at 92.50 / 99.00 → 93.43% (the 2019 report, Bảng 1)
    assert engine.ratio_index(D("92.50"), D("99.00")) == D("93.43")


def test_ratio_index_without_standard_is_none():
    assert engine.ratio_index(D("5"), D("0")) is None


def test_vn_number_and_percent_use_decimal_comma():
    assert engine.vn_percent(D("93.43")) == "93,43%"
    assert engine.vn_number(D("1234.5")) == "1.234,50"
    assert engine.vn_number(None) == ""


@pytest.mark.parametrize(
    "text,expected",
    [
        ("93,43%", "93.43"),
        ("93.43", "93.43"),
        (" 80,5 ", "80.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("100", "100"),
    ],
)
def test_to_decimal_accepts_comma_point_and_percent(text, expected):
    assert engine.to_decimal(text) == D(expected)


@pytest.mark.parametrize("text", ["abc", "", "9x,3", "NaN", "Infinity"])
def test_to_decimal_refuses_non_numbers_in_vietnamese(text):
    with pytest.raises(ScoringInputError):
        engine.to_decimal(text)


# --- bands and downgrade -------------------------------------------------------------------


@pytest.mark.parametrize(
    "index,band",
    [
        ("85.00", "tot"),
        ("84.99", "kha"),
        ("75.00", "kha"),
        ("74.99", "trung_binh"),
        ("60.00", "trung_binh"),
        ("59.99", "yeu"),
        ("0", "yeu"),
        ("100", "tot"),
    ],
)
def test_band_for_uses_default_thresholds(index, band):
    assert engine.band_for(D(index)) == band


def test_band_for_uses_the_rounded_index():
    # 84.995 rounds to 85.00 → Tốt
    assert engine.band_for(D("84.995")) == "tot"


def test_band_for_honours_the_year_thresholds():
    strict = engine.BandThresholds(tot=D("90"), kha=D("80"), trung_binh=D("65"))
    assert engine.band_for(D("88"), strict) == "kha"
    assert engine.band_for(D("64.99"), strict) == "yeu"


def test_downgrade_at_threshold_drops_one_band():
    assert engine.apply_downgrade("tot", D("10"), D("10")) == ("kha", True)
    assert engine.apply_downgrade("kha", D("9.99"), D("10")) == ("kha", False)
    assert engine.apply_downgrade("yeu", D("50"), D("10")) == ("yeu", False)
    assert engine.apply_downgrade("tot", None, D("10")) == ("tot", False)
    assert engine.apply_downgrade("tot", D("50"), None) == ("tot", False)


# --- leaf points -----------------------------------------------------------------------------

LEVELS = {
    "levels": [
        {"key": "on_time", "fraction": "1"},
        {"key": "late", "fraction": "0.5"},
        {"key": "none", "fraction": "0"},
    ]
}


@pytest.mark.parametrize(
    "method,params,maximum,inputs,points",
    [
        ("yes_no", {}, "2", {"answer": True}, "2.00"),
        ("yes_no", {}, "2", {"answer": "không"}, "0.00"),
        ("levels", LEVELS, "1", {"level": "late"}, "0.50"),
        ("levels", LEVELS, "3", {"level": "on_time"}, "3.00"),
        ("manual", {"step": "0.25"}, "2", {"value": "1,75"}, "1.75"),
        ("bonus", {"step": "0.5"}, "10", {"value": "2.5"}, "2.50"),
        ("ratio", {"threshold": "95"}, "2", {"numerator": 96, "denominator": 100}, "2.00"),
        ("ratio", {"threshold": "95"}, "2", {"numerator": 95, "denominator": 100}, "2.00"),
        # below: ratio × max / X% = 80 × 2 / 95 = 1.684… → 1.68
        ("ratio", {"threshold": "95"}, "2", {"numerator": 80, "denominator": 100}, "1.68"),
        (
            "ratio",
            {"table": [{"min": "100", "fraction": "1"}, {"min": "90", "fraction": "0.5"}]},
            "2",
            {"numerator": 91, "denominator": 100},
            "1.00",
        ),
        (
            "ratio",
            {"table": [{"min": "100", "fraction": "1"}, {"min": "90", "fraction": "0.5"}]},
            "2",
            {"numerator": 89, "denominator": 100},
            "0.00",
        ),
        ("survey", {"full_at": "90"}, "4", {"sipas": "92,1"}, "4.00"),
        ("survey", {"full_at": "90"}, "4", {"sipas": "81"}, "3.60"),
        (
            "survey",
            {"table": [{"min": "80", "fraction": "1"}, {"min": "70", "fraction": "0.5"}]},
            "4",
            {"sipas": "75"},
            "2.00",
        ),
        ("count", {"per_item": "0.5"}, "1", {"count": 1}, "0.50"),
        ("count", {"per_item": "0.5"}, "1", {"count": 5}, "1.00"),
        ("deduction", {"per_item": "2"}, "4", {"count": 1}, "2.00"),
        ("deduction", {"per_item": "2"}, "4", {"count": 3}, "4.00"),
    ],
)
def test_leaf_points_by_method(method, params, maximum, inputs, points):
    assert engine.leaf_points(method, params, D(maximum), inputs) == D(points)


@pytest.mark.parametrize(
    "method,params,inputs,message",
    [
        ("manual", {"step": "0.25"}, {"value": "2.5"}, "vượt quá điểm tối đa"),
        ("manual", {"step": "0.25"}, {"value": "0.3"}, "theo bước 0,25"),
        ("manual", {"step": "0.25"}, {"value": "-1"}, "không được âm"),
        ("manual", {"step": "0.25"}, {"value": "abc"}, "không phải là một số"),
        ("yes_no", {}, {}, "Có hoặc Không"),
        ("levels", LEVELS, {"level": "xyz"}, "một mức"),
        ("ratio", {"threshold": "95"}, {"numerator": 1, "denominator": 0}, "Mẫu số"),
        ("ratio", {"threshold": "95"}, {"numerator": 5, "denominator": 4}, "Tử số"),
        ("survey", {"full_at": "90"}, {"sipas": "101"}, "từ 0 đến 100"),
        ("count", {"per_item": "1"}, {"count": "-1"}, "không âm"),
        ("count", {"per_item": "1"}, {"count": "1.5"}, "số nguyên"),
    ],
)
def test_leaf_points_refuses_bad_input_with_a_vietnamese_message(method, params, inputs, message):
    with pytest.raises(ScoringInputError) as error:
        engine.leaf_points(method, params, D("2"), inputs)
    assert message in str(error.value)


# --- a unit's score ------------------------------------------------------------------------


def test_unit_score_standard_excludes_exempt_bonus_and_deduction_leaves():
    leaves = [
        LeafLine("1.1", D("2"), D("2"), ancestors=("1",)),
        LeafLine("1.2", D("3"), D("1.5"), ancestors=("1",)),
        LeafLine("2.1", D("5"), None, exempt=True, ancestors=("2",)),
        LeafLine("2.2", D("4"), D("4"), ancestors=("2",)),
        LeafLine("B.1", D("10"), D("3"), kind=engine.BONUS),
        LeafLine("D.1", D("4"), D("2"), kind=engine.DEDUCTION),
    ]
    score = engine.unit_score(leaves, bonus_cap=D("5"))
    assert score.standard == D("9.00")
    # 2 + 1.5 + 4 + min(3, 5) − 2 = 8.5
    assert score.appraised == D("8.50")
    assert score.index == D("94.44")
    assert score.sub_indexes["1"].index == D("70.00")
    assert score.sub_indexes["2"].standard == D("4.00")
    assert score.sub_indexes["2"].index == D("100.00")


def test_unit_score_caps_bonus_at_the_group_cap():
    leaves = [LeafLine("1", D("10"), D("8")), LeafLine("B.1", D("10"), D("7"), kind=engine.BONUS)]
    score = engine.unit_score(leaves, bonus_cap=D("5"), cap_at_100=False)
    assert score.bonus_claimed == D("7.00")
    assert score.bonus_counted == D("5.00")
    assert score.appraised == D("13.00")
    assert score.index == D("130.00")


def test_unit_score_caps_index_at_100_when_the_period_says_so():
    leaves = [LeafLine("1", D("10"), D("10")), LeafLine("B.1", D("10"), D("2"), kind=engine.BONUS)]
    assert engine.unit_score(leaves, bonus_cap=D("5"), cap_at_100=True).index == D("100.00")
    assert engine.unit_score(leaves, bonus_cap=D("5"), cap_at_100=False).index == D("120.00")


def test_unit_score_unscored_leaf_counts_zero_but_keeps_its_standard():
    leaves = [LeafLine("1", D("4"), D("4")), LeafLine("2", D("4"), None)]
    score = engine.unit_score(leaves, bonus_cap=D("0"))
    assert (score.standard, score.appraised, score.index) == (D("8.00"), D("4.00"), D("50.00"))


def test_unit_score_all_exempt_has_no_index():
    score = engine.unit_score([LeafLine("1", D("4"), None, exempt=True)], bonus_cap=D("0"))
    assert score.standard == D("0.00")
    assert score.index is None


# --- ranks, means, year over year --------------------------------------------------------


def test_ranks_share_ties_and_skip_the_next_rank():
    ranks = engine.competition_ranks(
        {"ldtbxh": D("93.43"), "tttt": D("93.43"), "tc": D("90.00"), "tp": D("88"), "x": None}
    )
    assert ranks == {"ldtbxh": 1, "tttt": 1, "tc": 3, "tp": 4, "x": None}


def test_ranks_compare_rounded_indexes():
    assert engine.competition_ranks({"a": D("90.004"), "b": D("90.001")}) == {"a": 1, "b": 1}


def test_overall_mean_is_the_mean_of_group_means_not_of_units():
    group_a = [D("90"), D("80"), D("70"), D("60")]  # mean 75
    group_b = [D("100")]  # mean 100
    means = [engine.mean(group_a), engine.mean(group_b)]
    assert means == [D("75.00"), D("100.00")]
    assert engine.overall_mean(means) == D("87.50")
    assert engine.mean(group_a + group_b) == D("80.00")


def test_mean_rounds_and_skips_unknown():
    assert engine.mean([D("93.43"), D("93.43"), D("80.98")]) == D("89.28")
    assert engine.mean([None, D("80")]) == D("80.00")
    assert engine.mean([None]) is None


def test_delta_and_up_down_counts():
    assert engine.delta(D("93.43"), D("85.17")) == D("8.26")
    assert engine.delta(D("93.43"), D("95.20")) == D("-1.77")
    assert engine.delta(D("90"), None) is None
    assert engine.units_up_down([D("8.26"), D("-1.77"), D("0"), None, D("0.01")]) == (2, 1)


def test_band_counts_and_history():
    assert engine.band_counts(["tot", "tot", "kha", "yeu", None]) == {
        "tot": 2,
        "kha": 1,
        "trung_binh": 0,
        "yeu": 1,
    }
    history = {2019: "tot", 2018: "kha"}
    assert engine.band_history(history, [2019, 2018, 2017]) == ["tot", "kha", None]


def test_two_consecutive_years_low_triggers_accountability():
    assert engine.two_consecutive_low({2019: "yeu", 2018: "trung_binh"}, 2019)
    assert not engine.two_consecutive_low({2019: "yeu", 2018: "kha"}, 2019)
    assert not engine.two_consecutive_low({2019: "trung_binh"}, 2019)


def test_head_rating_flag_for_trung_binh_or_below():
    assert engine.head_cannot_be_rated_excellent("trung_binh")
    assert engine.head_cannot_be_rated_excellent("yeu")
    assert not engine.head_cannot_be_rated_excellent("kha")


# --- properties ------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(money, money), min_size=1, max_size=30), money)
def test_property_index_is_appraised_over_standard(pairs, cap):
    leaves = [LeafLine(str(i), mx, min(v, mx)) for i, (mx, v) in enumerate(pairs)]
    score = engine.unit_score(leaves, bonus_cap=cap, cap_at_100=True)
    standard = sum((mx for mx, _ in pairs), D(0))
    assert score.standard == engine.q2(standard)
    if standard > 0:
        assert D("0") <= score.index <= D("100")
        assert score.index == engine.q2(score.appraised / standard * 100)
    else:
        assert score.index is None


@given(st.lists(st.one_of(st.none(), money), max_size=25))
def test_property_ranks_are_competition_ranks(values):
    indexes = dict(enumerate(values))
    ranks = engine.competition_ranks(indexes)
    for key, value in indexes.items():
        if value is None:
            assert ranks[key] is None
            continue
        better = sum(1 for v in values if v is not None and engine.q2(v) > engine.q2(value))
        assert ranks[key] == better + 1


@given(money)
def test_property_band_is_monotonic(index):
    order = list(engine.BANDS_HIGH_TO_LOW)
    higher = engine.band_for(min(index + D("0.01"), D("100")))
    assert order.index(higher) <= order.index(engine.band_for(index))


@given(st.lists(st.lists(money, min_size=1, max_size=8), min_size=1, max_size=5))
def test_property_overall_mean_lies_between_group_means(groups):
    means = [engine.mean(g) for g in groups]
    overall = engine.overall_mean(means)
    assert min(means) <= overall <= max(means)


@given(
    money,
    st.decimals(min_value=0, max_value=100, places=2),
    st.sampled_from(engine.BANDS_HIGH_TO_LOW),
)
def test_property_downgrade_never_raises_a_band(threshold, late, band):
    new, downgraded = engine.apply_downgrade(band, late, threshold)
    order = list(engine.BANDS_HIGH_TO_LOW)
    assert order.index(new) >= order.index(band)
    assert downgraded == (new != band)


@given(
    st.decimals(min_value=0, max_value=10000, places=0),
    st.decimals(min_value=1, max_value=10000, places=0),
    st.decimals(min_value=1, max_value=100, places=0),
)
def test_property_ratio_points_within_zero_and_max(numerator, denominator, threshold):
    if numerator > denominator:
        numerator = denominator
    points = engine.leaf_points(
        "ratio",
        {"threshold": str(threshold)},
        D("3"),
        {"numerator": numerator, "denominator": denominator},
    )
    assert D("0") <= points <= D("3")
