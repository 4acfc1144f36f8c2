"""API v1 behaviour: payloads, filters, token auth, the self-score write, query counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from parindex.services import api_token_issue
from scoring.enums import Phase, Stage
from scoring.models import LeafScore
from tests.api.conftest import client_for
from tests.factories import PASSWORD, make_assessment, make_unit, set_score

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_period_detail_has_phase_and_deadlines_with_offset(world):
    world.period.self_assessment_deadline = dt.datetime(2024, 12, 16, 17, 0, tzinfo=HCM)
    world.period.round1_start = dt.datetime(2024, 12, 18, 8, 0, tzinfo=HCM)
    world.period.save()
    data = client_for(world.users["agency_staff"]).get("/api/v1/periods/2024/").json()
    assert data["phase"] == "self_assessment"
    assert data["self_assessment_deadline"] == "2024-12-16T17:00:00+07:00"
    assert data["round1_start"] == "2024-12-18T08:00:00+07:00"
    for key in (
        "self_assessment_opens",
        "round1_end",
        "supplement_start",
        "supplement_end",
        "round2_start",
        "round2_end",
        "council_date",
        "published_at",
        "criteria_issued",
        "cross_check_date",
        "round1_meeting",
        "working_group_meeting",
    ):
        assert key in data and data[key] is None
    assert [g["code"] for g in data["groups"]] == ["so-nganh", "huyen"]
    assert data["groups"][0]["bonus_cap"] == "5.00"


def test_period_missing_is_404(world):
    assert client_for(world.users["secretariat"]).get("/api/v1/periods/1999/").status_code == 404


def test_criteria_flat_list_has_parent_code_and_maxima(world):
    data = client_for(world.users["agency_staff"]).get("/api/v1/periods/2024/criteria/").json()
    rows = {row["code"]: row for row in data["results"]}
    assert list(rows)[:3] == ["1", "1.1", "1.2"]
    assert rows["1"]["parent_code"] is None and rows["1"]["is_leaf"] is False
    assert rows["1.1"]["parent_code"] == "1"
    assert rows["1.1"]["method"] == "yes_no"
    assert rows["1.1"]["maxima"] == {"so-nganh": "2.00", "huyen": "2.00"}
    assert rows["2.2"]["params"] == {"threshold": "95"}


def test_criteria_filter_leaves_of_group(world):
    client = client_for(world.users["agency_staff"])
    data = client.get("/api/v1/periods/2024/criteria/?is_leaf=true&group=huyen").json()
    assert [r["code"] for r in data["results"]] == [
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "B.1",
        "D.1",
    ]


def test_criteria_of_missing_period_is_404(world):
    client = client_for(world.users["agency_staff"])
    assert client.get("/api/v1/periods/1999/criteria/").status_code == 404


def test_units_filter_by_group(world):
    data = client_for(world.users["secretariat"]).get("/api/v1/units/?group=so-nganh").json()
    assert [u["code"] for u in data["results"]] == ["SNV", "STP"]


def test_assessments_filter_by_year_unit_and_status(world):
    client = client_for(world.users["secretariat"])
    data = client.get("/api/v1/assessments/?year=2023&unit=HUYEN-A").json()
    assert [(a["year"], a["unit_code"]) for a in data["results"]] == [(2023, "HUYEN-A")]
    data = client.get("/api/v1/assessments/?status=submitted").json()
    assert data["count"] == 0


def test_scores_filter_by_stage(world):
    client = client_for(world.users["agency_staff"])
    url = f"/api/v1/assessments/{world.own_assessment.pk}/scores/"
    data = client.get(url + "?stage=self").json()
    assert [(s["criterion_code"], s["stage"], s["value"]) for s in data["results"]] == [
        ("1.1", "self", "2.00")
    ]
    # During self-assessment the unit sees only its own stage; the province sees every stage.
    assert client.get(url).json()["count"] == 1
    assert client_for(world.users["secretariat"]).get(url).json()["count"] == 2


@pytest.mark.parametrize(
    "phase,stages",
    [
        (Phase.SELF_ASSESSMENT, {"self"}),
        (Phase.ROUND1, {"self"}),
        (Phase.ROUND1_CLOSED, {"self", "round1"}),
        (Phase.ROUND2, {"self", "round1"}),
        (Phase.PUBLISHED, {"self", "round1", "final"}),
    ],
)
def test_scores_of_appraisal_stages_reach_the_unit_only_when_the_phase_opens_them(
    world, phase, stages
):
    set_score(world.own_assessment, world.nodes["1.2"], "1", stage=Stage.ROUND1)
    world.period.phase = phase
    world.period.save(update_fields=["phase"])
    url = f"/api/v1/assessments/{world.own_assessment.pk}/scores/"
    for role in ("agency_staff", "agency_head"):
        data = client_for(world.users[role]).get(url).json()
        assert {s["stage"] for s in data["results"]} == stages


def test_results_filter_by_year_and_stage(world):
    data = client_for(None).get("/api/v1/results/?year=2023&stage=final").json()
    assert {r["unit_code"] for r in data["results"]} == {"SNV", "HUYEN-A"}
    assert all(r["year"] == 2023 for r in data["results"])


def test_token_obtain_and_use(world):
    user = world.users["agency_staff"]
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = client.get("/api/v1/assessments/").json()
    assert [(a["year"], a["unit_code"]) for a in data["results"]] == [(2024, "SNV"), (2023, "SNV")]


def test_token_wrong_password_is_400(world):
    user = world.users["agency_staff"]
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "sai"}, format="json"
    )
    assert response.status_code == 400


# --- the self-score write ----------------------------------------------------------------


def _put(world, body, code="1.2", role="agency_staff"):
    url = f"/api/v1/assessments/{world.own_assessment.pk}/scores/{code}/self/"
    return client_for(world.users[role]).put(url, body, format="json")


def test_self_score_put_saves_points(world):
    response = _put(
        world, {"inputs": {"level": "late"}, "explanation": "Nộp trễ 2 ngày", "version": 0}
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "1.00"
    assert response.json()["version"] == 1
    stored = LeafScore.objects.get(
        assessment=world.own_assessment, criterion=world.nodes["1.2"], stage=Stage.SELF
    )
    assert stored.explanation == "Nộp trễ 2 ngày"


def test_self_score_put_twice_is_idempotent(world):
    body = {"inputs": {"level": "on_time"}, "explanation": "Đúng hạn", "version": 0}
    first = _put(world, body)
    second = _put(world, body)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert LeafScore.objects.filter(criterion=world.nodes["1.2"], stage=Stage.SELF).count() == 1


def test_self_score_put_stale_version_is_409_with_current(world):
    assert _put(world, {"inputs": {"level": "on_time"}, "version": 0}).status_code == 200
    response = _put(world, {"inputs": {"level": "none"}, "version": 0})
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 1
    assert response.json()["current"]["value"] == "2.00"
    assert "phiên bản" in response.json()["error"]


def test_self_score_put_bad_input_is_400_nothing_saved(world):
    response = _put(world, {"inputs": {"value": "0,3"}, "version": 0}, code="2.1")
    assert response.status_code == 400
    assert "bước" in response.json()["error"]
    assert not LeafScore.objects.filter(criterion=world.nodes["2.1"]).exists()


def test_self_score_put_missing_inputs_is_400(world):
    response = _put(world, {"explanation": "x"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("inputs")


def test_self_score_put_parent_node_is_404(world):
    assert _put(world, {"inputs": {}, "version": 0}, code="1").status_code == 404
    assert _put(world, {"inputs": {}, "version": 0}, code="9.9").status_code == 404


# --- query counts of list endpoints ------------------------------------------------------


def _token_client(user) -> APIClient:
    client = APIClient()
    _token, key = api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/groups/")  # first use noted (last_used_at): later requests only read
    return client


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_units(world, n):
    for _ in range(n):
        unit = make_unit(world.g1)
        assessment = make_assessment(world.period, unit)
        set_score(assessment, world.nodes["1.1"], "2", stage=Stage.FINAL)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/periods/",
        "/api/v1/groups/",
        "/api/v1/units/",
        "/api/v1/assessments/",
        "/api/v1/results/",
        "/api/v1/periods/2024/criteria/",
    ],
)
def test_list_query_count_constant(world, django_assert_num_queries, url):
    from scoring.services import results_compute
    from tests.factories import make_group, make_node, make_period

    client = _token_client(world.users["secretariat"])
    baseline = _count(client, url)
    _add_units(world, 2)
    results_compute(period=world.period, stage=Stage.FINAL)
    make_group("g-them-1")
    make_group("g-them-2")
    make_period(2020, groups=[world.g1])
    make_period(2021, groups=[world.g1, world.g2])
    make_node(world.period, "3", "Lĩnh vực mới")
    make_node(world.period, "3.1", "Mới", method="yes_no", maxima={world.g1: "1", world.g2: "1"})
    with django_assert_num_queries(baseline):
        client.get(url)


def test_scores_list_query_count_constant(world, django_assert_num_queries):
    client = _token_client(world.users["secretariat"])
    url = f"/api/v1/assessments/{world.own_assessment.pk}/scores/"
    baseline = _count(client, url)
    set_score(world.own_assessment, world.nodes["1.2"], "1", stage=Stage.FINAL)
    set_score(world.own_assessment, world.nodes["2.1"], "1", stage=Stage.FINAL)
    with django_assert_num_queries(baseline):
        client.get(url)
