"""Chart labels: shortened, never two names to the same text; the whole name as tooltip."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reports.charts import short_labels, svg_bar_chart
from reports.documents import BarChart

LONG = [
    "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
    "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh",
    "Sở Tư pháp",
]


def test_short_labels_keep_short_names_and_cut_long_ones_distinctly():
    labels = short_labels(LONG, limit=42)
    assert labels[3] == "Sở Tư pháp"
    assert labels[2] == "Trung tâm Xúc tiến Đầu tư, Thương mại…"
    # Cut at the end, both Ban Quản lý would read the same: they keep their ends instead.
    assert labels[0] == "Ban Quản lý dự án … trình giao thông tỉnh"
    assert labels[1] == "Ban Quản lý dự án … và công nghiệp tỉnh"
    assert all(len(label) <= 42 for label in labels)


def test_short_labels_fall_back_to_the_whole_name():
    a = "Ủy ban nhân dân xã " + "A" * 30 + " thuộc huyện Núi Xanh"
    b = "Ủy ban nhân dân xã " + "B" * 30 + " thuộc huyện Núi Xanh"
    # Same beginning and the same end: no cut can tell them apart within 24 characters.
    assert short_labels([a, b], limit=24) == [a, b]


@given(
    st.lists(
        st.text(alphabet="ab xyzĐđ", min_size=1, max_size=80), min_size=1, max_size=12, unique=True
    ),
    st.integers(min_value=12, max_value=50),
)
def test_short_labels_never_ambiguous(names, limit):
    labels = short_labels(names, limit=limit)
    assert len(set(labels)) == len(set(names))


def test_svg_chart_labels_distinct_with_full_name_as_title():
    chart = BarChart(
        title="Chỉ số theo đơn vị",
        categories=LONG,
        series=[("2024", [Decimal("80"), Decimal("75"), Decimal("70"), Decimal("90")])],
        percent=True,
    )
    svg = svg_bar_chart(chart)
    assert f"<title>{LONG[0]}</title>Ban Quản lý dự án … trình giao thông tỉnh</text>" in svg
    assert f"<title>{LONG[1]}</title>Ban Quản lý dự án … và công nghiệp tỉnh</text>" in svg
    assert ">Sở Tư pháp</text>" in svg and "<title>Sở Tư pháp</title>" not in svg
