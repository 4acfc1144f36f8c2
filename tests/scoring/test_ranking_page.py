"""The public ranking page /xep-hang/<year>/ (PAR-INDEX.md §4, Bảng 1–2)."""

import datetime

import pytest
from django.urls import reverse

from scoring.enums import Phase
from tests.factories import (
    RoleKind,
    make_group,
    make_period,
    make_result,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db


def url(year):
    return reverse("ranking_year", kwargs={"year": year})


@pytest.fixture
def published_2019():
    departments = make_group("so", "Khối sở, ban, ngành", order=1)
    districts = make_group("huyen", "Khối huyện", order=2)
    period = make_period(
        2019,
        Phase.PUBLISHED,
        groups=[departments, districts],
        decision_number="123/QĐ-UBND",
        decision_date=datetime.date(2020, 1, 21),
    )
    rows = [
        (departments, "Sở Tư pháp", "99.00", "92.50", "93.43", 1),
        (departments, "Sở Nội vụ", "99.00", "92.50", "93.43", 1),
        (departments, "Thanh tra tỉnh", "80.50", "75.00", "93.17", 3),
        (departments, "Ban Dân tộc", "64.00", "38.00", "59.38", 4),
        (districts, "Huyện Một", "100.00", "70.00", "70.00", 1),
    ]
    for group, name, standard, appraised, index, rank in rows:
        make_result(
            period,
            make_unit(group, name=name),
            index,
            standard=standard,
            appraised=appraised,
            rank=rank,
            group_size=4 if group == departments else 1,
        )
    return period


def test_ranking_page_published_year_is_public_in_vietnamese_format(client, published_2019):
    response = client.get(url(2019))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chỉ số cải cách hành chính năm 2019" in html
    assert "Công bố theo Quyết định số 123/QĐ-UBND ngày 21/01/2020" in html
    assert html.count("93,43%") == 2 and "93,17%" in html and "59,38%" in html
    assert "93.43" not in html
    assert "80,50" in html and "75,00" in html
    assert "Sở Tư pháp" in html and "Huyện Một" in html
    assert "Tốt" in html and "Yếu" in html and "Trung bình" in html
    # Overall mean = mean of group means: (84.85 + 70.00) / 2 = 77.43 (not 81.88 over units).
    assert '<strong id="overall-mean">77,43%</strong>' in html
    assert "84,85%" in html
    assert "Chưa công bố" not in html


def test_ranking_page_tied_units_share_a_rank(client, published_2019):
    html = client.get(url(2019)).content.decode()
    table = html.split('data-group="so"')[1].split("</table>")[0]
    ranks = [cell.split("</td>")[0] for cell in table.split('<tr><td class="num">')[1:]]
    assert ranks == ["1", "1", "3", "4"]


@pytest.mark.parametrize(
    "kind", [None, RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD, RoleKind.APPRAISER]
)
def test_ranking_page_unpublished_year_is_404_for_public_agency_and_appraiser(client, kind):
    group = make_group("so", "Khối sở")
    unit = make_unit(group, name="Sở Tư pháp")
    period = make_period(2020, Phase.COUNCIL, groups=[group])
    make_result(period, unit, "93.43", rank=1, group_size=1)
    if kind is not None:
        client.force_login(make_user(kind, unit=unit, year=2020))

    response = client.get(url(2020))

    assert response.status_code == 404
    assert "93,43%" not in response.content.decode()


def test_ranking_page_unpublished_year_is_a_draft_for_province_staff(client):
    group = make_group("so", "Khối sở")
    period = make_period(2020, Phase.COUNCIL, groups=[group])
    make_result(period, make_unit(group), "93.43", rank=1, group_size=1)
    client.force_login(make_user(RoleKind.SECRETARIAT))

    response = client.get(url(2020))

    assert response.status_code == 200
    html = response.content.decode()
    assert "93,43%" in html and "Chưa công bố" in html
    # The list of other years offers only published years (the page's own path is still in
    # the language switcher's `next`, so look for a link).
    assert f'href="{reverse("ranking_year", kwargs={"year": 2020})}"' not in html


def test_ranking_page_unknown_year_is_404(client):
    assert client.get(url(1999)).status_code == 404


def test_ranking_page_other_years_list_hides_unpublished(client, published_2019):
    make_period(2020, Phase.ROUND2)
    html = client.get(url(2019)).content.decode()
    assert url(2019) in html and url(2020) not in html


def test_ranking_index_redirects_to_latest_published_year(client, published_2019):
    make_period(2020, Phase.ROUND2)
    response = client.get(reverse("ranking_index"))
    assert response.status_code == 302 and response.url == url(2019)


def test_ranking_index_without_published_year_says_so(client):
    response = client.get(reverse("ranking_index"))
    assert response.status_code == 200
    assert "Chưa có năm nào được công bố." in response.content.decode()


@pytest.mark.parametrize("units_per_group", [1, 3])
def test_ranking_page_query_count_does_not_grow_with_units(
    client, django_assert_num_queries, units_per_group
):
    groups = [make_group("so", "Khối sở", order=1), make_group("huyen", "Khối huyện", order=2)]
    previous = make_period(2018, Phase.PUBLISHED, groups=groups)
    period = make_period(2019, Phase.PUBLISHED, groups=groups)
    for group in groups:
        for n in range(units_per_group):
            unit = make_unit(group)
            make_result(previous, unit, "80.00", rank=1, group_size=units_per_group)
            make_result(period, unit, f"{90 - n}.00", rank=n + 1, group_size=units_per_group)

    # 3 of them fingerprint the frozen year (and its lineage) for the cache, which answers
    # the next visit; 3 read the lineage, the years before and the units compared with.
    with django_assert_num_queries(12):
        response = client.get(url(2019))
    with django_assert_num_queries(5):
        cached = client.get(url(2019))

    assert response.status_code == 200
    assert cached.content.decode().count("10,00") == 2
    assert response.content.decode().count("10,00") == 2  # delta of the first of each group
