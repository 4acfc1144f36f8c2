"""API v1 of the appraisal: appraisers' scores, cross-checks, the queue, phase moves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.models import CrossCheck
from scoring.enums import Phase, Stage
from scoring.models import AuditEntry, LeafScore, Period
from tests.api.conftest import client_for
from tests.factories import RoleKind, make_assignment, make_unit, make_user, set_score

ROLES = [
    "agency_staff",
    "agency_head",
    "other_staff",
    "appraiser_assigned",
    "appraiser_unassigned",
    "secretariat",
    "council",
    "leadership",
    "anonymous",
]
PROVINCE = {"secretariat", "council", "leadership"}
DENIED = (401, 403)  # anonymous, no credentials


def _phase(world, phase: str) -> None:
    Period.objects.filter(pk=world.period.pk).update(phase=phase)
    world.period.refresh_from_db()


def _score_url(assessment, code: str = "1.1", stage: str = Stage.ROUND1) -> str:
    return f"/api/v1/assessments/{assessment.pk}/scores/{code}/{stage}/"


@pytest.fixture
def round1(world, roles):
    _phase(world, Phase.ROUND1)
    return world


# --- the appraiser's score ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_appraisal_score_put_by_role(round1, roles, role, which):
    """Only the appraiser assigned the leaf's field of that unit may score it; else 404."""
    assessment = round1.own_assessment if which == "own" else round1.other_assessment
    response = client_for(roles[role]).put(
        _score_url(assessment),
        {"inputs": {"answer": True}, "comment": "", "version": 0},
        format="json",
    )
    if role == "anonymous":
        assert response.status_code in DENIED
    elif role == "appraiser_assigned" and which == "own":
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["criterion_code"], body["stage"], body["value"]) == ("1.1", "round1", "2.00")
        assert body["version"] == 1
    else:
        assert response.status_code == 404, (role, response.content)
        assert not LeafScore.objects.filter(assessment=assessment, stage=Stage.ROUND1).exists()


def test_appraisal_score_stale_version_409_with_current(round1, roles):
    client = client_for(roles["appraiser_assigned"])
    url = _score_url(round1.own_assessment)
    first = client.put(url, {"inputs": {"answer": True}, "version": 0}, format="json")
    assert first.status_code == 200
    stale = client.put(
        url,
        {"inputs": {"answer": False}, "comment": "Chưa ban hành kế hoạch", "version": 0},
        format="json",
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"]
    assert body["current"]["version"] == 1
    assert body["current"]["value"] == "2.00"
    assert LeafScore.objects.get(assessment=round1.own_assessment, stage=Stage.ROUND1).version == 1


def test_appraisal_score_differs_without_comment_400(round1, roles):
    """The unit scored itself 2 on 1.1: a different score needs a comment."""
    response = client_for(roles["appraiser_assigned"]).put(
        _score_url(round1.own_assessment), {"inputs": {"answer": False}}, format="json"
    )
    assert response.status_code == 400
    assert "nhận xét" in response.json()["error"]
    assert not LeafScore.objects.filter(stage=Stage.ROUND1).exists()


def test_appraisal_score_with_comment_and_flag_audited(round1, roles):
    response = client_for(roles["appraiser_assigned"]).put(
        _score_url(round1.own_assessment),
        {
            "inputs": {"answer": False},
            "comment": "Chưa ban hành kế hoạch",
            "supplement_requested": True,
            "version": 0,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "0.00"
    assert response.json()["supplement_requested"] is True
    assert AuditEntry.objects.filter(action="score", assessment=round1.own_assessment).count() == 1


def test_appraisal_score_closed_stage_400(round1, roles):
    response = client_for(roles["appraiser_assigned"]).put(
        _score_url(round1.own_assessment, stage=Stage.FINAL),
        {"inputs": {"answer": True}},
        format="json",
    )
    assert response.status_code == 400
    assert "không cho phép chấm điểm" in response.json()["error"]


@pytest.mark.parametrize(
    ("code", "stage"), [("1.1", "self"), ("1.1", "bogus"), ("9.9", "round1"), ("1", "round1")]
)
def test_appraisal_score_unknown_leaf_or_stage_404(round1, roles, code, stage):
    response = client_for(roles["appraiser_assigned"]).put(
        _score_url(round1.own_assessment, code, stage), {"inputs": {"answer": True}}, format="json"
    )
    assert response.status_code == 404


def test_appraisal_score_bad_body_400(round1, roles):
    response = client_for(roles["appraiser_assigned"]).put(
        _score_url(round1.own_assessment), {"inputs": "yes", "version": -1}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


# --- cross-checks -------------------------------------------------------------------------


@pytest.fixture
def cross_check(round1, roles):
    """A provisional round-1 score of the own unit, to be checked by the assigned appraiser."""
    score = set_score(
        round1.own_assessment,
        round1.nodes["1.1"],
        "2",
        stage=Stage.ROUND1,
        provisional=True,
        inputs={"answer": True},
        version=1,
    )
    check = CrossCheck.objects.create(
        assessment=round1.own_assessment,
        criterion=round1.nodes["1.1"],
        stage=Stage.ROUND1,
        requested_at=timezone.now(),
        checker=roles["appraiser_assigned"],
    )
    return check, score


@pytest.mark.parametrize("role", ROLES)
def test_cross_check_decision_by_role(cross_check, roles, role):
    check, _score = cross_check
    response = client_for(roles[role]).post(
        f"/api/v1/cross-checks/{check.pk}/decision/",
        {"decision": "confirmed", "version": 1},
        format="json",
    )
    check.refresh_from_db()
    if role == "anonymous":
        assert response.status_code in DENIED
    elif role == "appraiser_assigned":
        assert response.status_code == 200, response.content
        assert response.json()["provisional"] is False
        assert response.json()["version"] == 2
        assert check.decision == "confirmed"
        return
    else:
        assert response.status_code == 404
    assert check.decided_at is None


def test_cross_check_decision_stale_version_409(cross_check, roles):
    check, _score = cross_check
    response = client_for(roles["appraiser_assigned"]).post(
        f"/api/v1/cross-checks/{check.pk}/decision/",
        {"decision": "confirmed", "version": 0},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 1


def test_cross_check_decision_change_needs_comment_400(cross_check, roles):
    check, _score = cross_check
    response = client_for(roles["appraiser_assigned"]).post(
        f"/api/v1/cross-checks/{check.pk}/decision/",
        {"decision": "changed", "inputs": {"answer": False}, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "nhận xét" in response.json()["error"]


def test_cross_check_decision_invalid_decision_400(cross_check, roles):
    check, _score = cross_check
    response = client_for(roles["appraiser_assigned"]).post(
        f"/api/v1/cross-checks/{check.pk}/decision/", {"decision": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("decision:")


# --- the queue ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_queue_by_role(round1, roles, role):
    response = client_for(roles[role]).get("/api/v1/periods/2024/queue/")
    if role == "anonymous":
        assert response.status_code in DENIED
    elif role == "appraiser_assigned":
        assert response.status_code == 200
        body = response.json()
        assert (body["year"], body["phase"], body["stage"]) == (2024, "round1", "round1")
        assert [(i["unit_code"], i["field_code"]) for i in body["items"]] == [("SNV", "1")]
        assert body["items"][0]["assessment_id"] == round1.own_assessment.pk
        assert body["items"][0]["leaves"] == 2
        item = body["items"][0]
        assert item["dossier"] in ("submitted", "late", "not_submitted")
        assert {"reviewed", "warnings", "notes", "unscored", "supplements", "overdue"} <= set(item)
        assert item["unscored"] == [
            code for code in ("1.1", "1.2") if code not in _scored(round1, "1")
        ]
        assert body["cross_checks"] == []
    elif role == "appraiser_unassigned":
        assert response.status_code == 200
        assert response.json()["items"] == []  # nobody else's items
    else:
        assert response.status_code == 404


def _scored(world, field_code: str) -> set[str]:
    return set(
        LeafScore.objects.filter(
            assessment=world.own_assessment,
            stage=Stage.ROUND1,
            value__isnull=False,
            criterion__code__startswith=f"{field_code}.",
        ).values_list("criterion__code", flat=True)
    )


def test_queue_lists_own_cross_checks_only(cross_check, roles):
    check, _score = cross_check
    mine = client_for(roles["appraiser_assigned"]).get("/api/v1/periods/2024/queue/").json()
    theirs = client_for(roles["appraiser_unassigned"]).get("/api/v1/periods/2024/queue/").json()
    assert [c["id"] for c in mine["cross_checks"]] == [check.pk]
    assert mine["cross_checks"][0]["criterion_code"] == "1.1"
    assert theirs["cross_checks"] == []


def test_queue_unknown_year_404(round1, roles):
    assert (
        client_for(roles["appraiser_assigned"]).get("/api/v1/periods/1999/queue/").status_code
        == 404
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_queue_query_count_constant(round1, roles, django_assert_num_queries):
    appraiser = roles["appraiser_assigned"]  # one item: field 1 of the own unit
    client = client_for(appraiser)
    url = "/api/v1/periods/2024/queue/"
    client.get(url)  # warm up: per-user lookups cached on the first request
    one = _count(client, url)
    make_assignment(round1.period, "2", round1.own, appraiser)
    make_assignment(round1.period, "1", round1.other, appraiser)
    for unit, code in ((round1.own, "1.1"), (round1.other, "1.1"), (round1.own, "1.2")):
        CrossCheck.objects.create(
            assessment=round1.own_assessment if unit == round1.own else round1.other_assessment,
            criterion=round1.nodes[code],
            stage=Stage.ROUND1,
            requested_at=timezone.now(),
            checker=appraiser,
        )
    body = client.get(url).json()
    assert (len(body["items"]), len(body["cross_checks"])) == (3, 3)
    with django_assert_num_queries(one):
        client.get(url)


# --- phases -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_phase_get_by_role(world, roles, role):
    response = client_for(roles[role]).get("/api/v1/periods/2024/phase/")
    if role == "anonymous":
        assert response.status_code in DENIED
    elif role in PROVINCE:
        assert response.status_code == 200
        body = response.json()
        assert (body["year"], body["phase"]) == (2024, "self_assessment")
        assert [(m["to_phase"], m["allowed"], m["problems"]) for m in body["moves"]] == [
            ("round1", True, [])
        ]
        # Allowed, with a consequence to confirm: the two drafts are appraised, marked.
        (consequence,) = body["moves"][0]["consequences"]
        assert (consequence["kind"], consequence["count"], consequence["units"]) == (
            "not_submitted",
            2,
            ["HUYEN-A", "SNV"],
        )
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_phase_move_by_role(world, roles, role):
    """Only the secretariat moves the phase; everyone else gets 404 and nothing changes."""
    response = client_for(roles[role]).post(
        "/api/v1/periods/2024/phase/", {"to_phase": "round1", "confirm": True}, format="json"
    )
    world.period.refresh_from_db()
    if role == "anonymous":
        assert response.status_code in DENIED
    elif role == "secretariat":
        assert response.status_code == 200, response.content
        assert response.json()["phase"] == "round1"
        assert world.period.phase == Phase.ROUND1
        return
    else:
        assert response.status_code == 404
    assert world.period.phase == Phase.SELF_ASSESSMENT


def test_phase_move_allowed_prefills_round1(world, roles):
    response = client_for(roles["secretariat"]).post(
        "/api/v1/periods/2024/phase/",
        {"to_phase": "round1", "reason": "", "confirm": True},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "round1"
    assert [m["to_phase"] for m in body["moves"]] == ["round1_closed"]
    assert Period.objects.get(year=2024).phase == Phase.ROUND1
    assert (
        LeafScore.objects.filter(assessment__period=world.period, stage=Stage.ROUND1).count() == 2
    )
    assert AuditEntry.objects.filter(action="phase", period=world.period).count() == 1


def test_phase_move_not_in_table_409_with_reasons(world, roles):
    response = client_for(roles["secretariat"]).post(
        "/api/v1/periods/2024/phase/", {"to_phase": "published"}, format="json"
    )
    assert response.status_code == 409
    assert len(response.json()["problems"]) == 1
    assert "Không thể chuyển" in response.json()["problems"][0]
    assert Period.objects.get(year=2024).phase == Phase.SELF_ASSESSMENT


def test_phase_move_blocked_by_open_cross_check_409(cross_check, roles):
    client = client_for(roles["secretariat"])
    state = client.get("/api/v1/periods/2024/phase/").json()
    assert state["moves"][0]["to_phase"] == "round1_closed"
    assert state["moves"][0]["allowed"] is False
    response = client.post(
        "/api/v1/periods/2024/phase/", {"to_phase": "round1_closed"}, format="json"
    )
    assert response.status_code == 409
    problems = response.json()["problems"]
    assert len(problems) == 1 and "SNV 1.1" in problems[0]
    assert response.json()["error"] == problems[0]
    assert Period.objects.get(year=2024).phase == Phase.ROUND1


def test_phase_move_backwards_needs_reason_409(world, roles):
    _phase(world, Phase.ROUND1_CLOSED)
    client = client_for(roles["secretariat"])
    state = client.get("/api/v1/periods/2024/phase/").json()
    back = next(m for m in state["moves"] if m["to_phase"] == "round1")
    assert back["reason_required"] is True
    refused = client.post("/api/v1/periods/2024/phase/", {"to_phase": "round1"}, format="json")
    assert refused.status_code == 409
    assert "lý do" in refused.json()["problems"][0]
    moved = client.post(
        "/api/v1/periods/2024/phase/",
        {"to_phase": "round1", "reason": "Mở lại để chấm bổ sung"},
        format="json",
    )
    assert moved.status_code == 200
    assert Period.objects.get(year=2024).phase == Phase.ROUND1


def test_phase_move_bad_input_400(world, roles):
    response = client_for(roles["secretariat"]).post(
        "/api/v1/periods/2024/phase/", {"to_phase": "nowhere"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("to_phase:")


def test_phase_unknown_year_404(world, roles):
    assert client_for(roles["secretariat"]).get("/api/v1/periods/1999/phase/").status_code == 404


def test_appraiser_of_home_unit_score_is_provisional(round1, roles):
    """A score given to one's own home unit is provisional and queued for a cross-check."""
    home = make_user(RoleKind.APPRAISER, round1.own, year=2024, expertise=["2"])
    make_assignment(round1.period, "2", round1.own, home)
    make_unit(round1.g1, "SXD", "Sở Xây dựng")
    response = client_for(home).put(
        _score_url(round1.own_assessment, "2.1"),
        {"inputs": {"value": "1"}, "comment": "Đạt"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["provisional"] is True
    assert CrossCheck.objects.filter(
        assessment=round1.own_assessment, criterion__code="2.1"
    ).exists()


@pytest.mark.parametrize(
    "inputs",
    [
        {"value": "NaN"},
        {"value": "1e999999"},
        {"value": "-Infinity"},
        {"value": ["1"]},
        {"value": {"a": 1}},
        {"value": 10**30},
        {"numerator": "5", "denominator": "0"},
        {"answer": "có lẽ"},
        {"level": "khong-co"},
    ],
)
def test_appraisal_score_hostile_inputs_never_500(round1, roles, inputs):
    """Whatever the inputs, an assigned appraiser gets a 200 or a 400 with a message."""
    appraiser = roles["appraiser_assigned"]
    make_assignment(round1.period, "2", round1.own, appraiser)
    client = client_for(appraiser)
    for code in ("1.1", "1.2", "2.1", "2.2"):
        response = client.put(
            _score_url(round1.own_assessment, code),
            {"inputs": inputs, "comment": "Kiểm tra"},
            format="json",
        )
        assert response.status_code in (200, 400), (code, response.content)
        if response.status_code == 400:
            assert response.json()["error"]
