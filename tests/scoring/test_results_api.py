"""GET /api/v1/periods/YYYY/results/: public once published, province staff before."""

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
    return reverse("api_period_results", kwargs={"year": year})


def make_year(year, phase, units_per_group=1, previous_phase=None):
    """Two groups of `units_per_group` units at 93.43%, optionally a year before at 90%."""
    groups = [
        make_group(f"so{year}", "Khối sở", order=1),
        make_group(f"huyen{year}", "Khối huyện", order=2),
    ]
    period = make_period(year, phase, groups=groups)
    previous = make_period(year - 1, previous_phase, groups=groups) if previous_phase else None
    for group in groups:
        for _n in range(units_per_group):
            unit = make_unit(group)
            if previous is not None:
                make_result(previous, unit, index="90", rank=1, group_size=units_per_group)
            make_result(
                period,
                unit,
                index="93.43",
                standard="99",
                appraised="92.5",
                rank=1,
                group_size=units_per_group,
            )
    return period


def test_results_api_published_year_is_public(client):
    make_year(2019, Phase.PUBLISHED)

    response = client.get(url(2019))

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2019 and body["published"] is True
    assert len(body["units"]) == 2
    assert body["units"][0]["index"] == "93.43"
    assert body["units"][0]["band"] == "tot"
    assert body["units"][0]["standard_score"] == "99.00"
    assert [g["group_name"] for g in body["groups"]] == ["Khối sở", "Khối huyện"]
    assert body["overall"]["mean_index"] == "93.43"


@pytest.mark.parametrize(
    "kind", [None, RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD, RoleKind.APPRAISER]
)
def test_results_api_unpublished_year_is_404_for_others(client, kind):
    period = make_year(2020, Phase.COUNCIL)
    if kind is not None:
        unit = period.results.first().unit
        client.force_login(make_user(kind, unit=unit, year=2020))

    response = client.get(url(2020))

    assert response.status_code == 404
    assert "93.43" not in response.content.decode()


@pytest.mark.parametrize("kind", [RoleKind.SECRETARIAT, RoleKind.COUNCIL, RoleKind.LEADERSHIP])
def test_results_api_unpublished_year_is_visible_to_province_staff(client, kind):
    make_year(2020, Phase.COUNCIL)
    client.force_login(make_user(kind))

    response = client.get(url(2020))

    assert response.status_code == 200
    assert response.json()["published"] is False
    assert len(response.json()["units"]) == 2


def test_results_api_unknown_year_is_the_same_404(client):
    client.force_login(make_user(RoleKind.SECRETARIAT))
    assert client.get(url(1999)).status_code == 404


def test_results_api_is_read_only(client):
    make_year(2019, Phase.PUBLISHED)
    client.force_login(make_user(RoleKind.SECRETARIAT))
    assert client.post(url(2019), {}).status_code == 405


def test_results_api_hides_a_previous_year_that_is_not_published(client):
    # 2018 was reopened for a correction: its in-progress results must not leak via 2019.
    make_year(2019, Phase.PUBLISHED, previous_phase=Phase.ROUND2)

    body = client.get(url(2019)).json()

    assert {(u["previous_index"], u["delta"], u["previous_band"]) for u in body["units"]} == {
        (None, None, None)
    }
    assert body["overall"]["previous_mean_index"] is None
    assert {g["previous_mean_index"] for g in body["groups"]} == {None}


@pytest.mark.parametrize("units_per_group", [1, 3])
def test_results_api_query_count_does_not_grow_with_units(
    client, django_assert_num_queries, units_per_group
):
    make_year(2019, Phase.PUBLISHED, units_per_group, previous_phase=Phase.PUBLISHED)

    # 3 of them fingerprint the frozen year (and its lineage) for the cache, which answers
    # the next call; 3 read the lineage, the years before and the units compared with.
    with django_assert_num_queries(11):
        response = client.get(url(2019))
    with django_assert_num_queries(4):
        assert client.get(url(2019)).json() == response.json()

    units = response.json()["units"]
    assert len(units) == 2 * units_per_group
    assert {(u["previous_index"], u["delta"]) for u in units} == {("90.00", "3.43")}
