"""Item 2 of issue 11: what each side sees, by phase.

Agencies: round-1 figures and comments from "round 1 closed", final ones (and everything
derived from them) once published — the leak test (test_leaks) proves it over every answer.
Appraisers: a dossier once submitted, or once round 1 has started for a unit that never
submitted (shown as such); their work only on their items and the cross-checks given to
them; what else of a dossier they read is written in scoring.rules and checked here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Assessment

from . import world as w


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a session: the API and the portal's own pages
    return client


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _dossier_urls(world) -> list[str]:
    pk = world.own.pk
    return [
        f"/api/v1/assessments/{pk}/",
        f"/api/v1/assessments/{pk}/scores/",
        f"/api/v1/assessments/{pk}/evidence/",
        f"/api/v1/evidence/{world.evidence_file.pk}/",
        f"/tai-lieu/{world.evidence_file.pk}/tai-ve/",
    ]


def test_appraisers_read_a_dossier_once_submitted(db):
    world = w.build(Phase.SELF_ASSESSMENT)
    appraisers = [world.users[r] for r in (w.ASSIGNED, w.UNASSIGNED, w.HOME)]
    for user in appraisers:
        for url in _dossier_urls(world):
            assert _api(user).get(url).status_code == 404, (user, url)
    Assessment.objects.filter(pk=world.own.pk).update(status=AssessmentStatus.SUBMITTED)
    for user in appraisers:
        for url in _dossier_urls(world):
            assert _api(user).get(url).status_code == 200, (user, url)
    # An appraiser of another year: never.
    for url in _dossier_urls(world):
        assert _api(world.users[w.APPR_X]).get(url).status_code == 404


def test_never_submitted_dossier_open_from_round1_and_shown_as_such(db):
    world = w.build(Phase.ROUND1)
    Assessment.objects.filter(pk=world.own.pk).update(
        status=AssessmentStatus.DRAFT, submitted_at=None
    )
    appraiser = world.users[w.ASSIGNED]
    detail = _api(appraiser).get(f"/api/v1/assessments/{world.own.pk}/").json()
    assert detail["status"] == "draft" and detail["submitted_at"] is None
    page = _web(appraiser).get(f"/tham-dinh/ho-so/{world.own.pk}/linh-vuc/1/").content.decode()
    assert "Đơn vị không nộp hồ sơ tự đánh giá" in page
    queue = _web(appraiser).get(f"/tham-dinh/{w.YEAR}/hang-doi/").content.decode()
    assert "(không nộp hồ sơ)" in queue
    items = _api(appraiser).get(f"/api/v1/periods/{w.YEAR}/queue/").json()["items"]
    assert [i["submitted"] for i in items if i["unit_code"] == "A01"] == [False, False]


def test_queue_before_round1_does_not_link_an_unsubmitted_dossier(db):
    world = w.build(Phase.SELF_ASSESSMENT)
    queue = _web(world.users[w.ASSIGNED]).get(f"/tham-dinh/{w.YEAR}/hang-doi/").content.decode()
    assert f"/tham-dinh/ho-so/{world.own.pk}/" not in queue
    assert "(chưa nộp hồ sơ)" in queue


def test_what_else_an_appraiser_reads_of_a_dossier(db):
    """Every field's self scores and every stage's scores and comments of a dossier open to
    appraisers (the API, the evidence); the item pages only of their items."""
    world = w.build(Phase.ROUND2)
    other = _api(world.users[w.UNASSIGNED])  # not assigned anything of A01
    scores = other.get(f"/api/v1/assessments/{world.own.pk}/scores/").json()["results"]
    assert {s["stage"] for s in scores} == {Stage.SELF, Stage.ROUND1, Stage.FINAL}
    assert {s["criterion_code"] for s in scores} >= {"1.1", "2.1", "3.1"}
    web = _web(world.users[w.UNASSIGNED])
    for url in (
        f"/tham-dinh/ho-so/{world.own.pk}/linh-vuc/1/",
        f"/tham-dinh/ho-so/{world.own.pk}/tieu-chi/{world.nodes['1.1'].pk}/nhat-ky/",
        f"/tham-dinh/kiem-tra-cheo/{world.cross_check.pk}/",
    ):
        assert web.get(url).status_code == 404, url
    answer = other.put(
        f"/api/v1/assessments/{world.own.pk}/scores/1.1/final/",
        {"inputs": {"answer": True}, "comment": "x"},
        format="json",
    )
    assert answer.status_code == 404
    # The appraiser whose home unit it is: their field (2) yes, the cross-check of it no.
    home = _web(world.users[w.HOME])
    assert home.get(f"/tham-dinh/ho-so/{world.own.pk}/linh-vuc/2/").status_code == 200
    assert home.get(f"/tham-dinh/ho-so/{world.own.pk}/linh-vuc/1/").status_code == 404
    assert home.get(f"/tham-dinh/kiem-tra-cheo/{world.cross_check.pk}/").status_code == 404
    # The one it is given to decides it.
    checker = _web(world.users[w.ASSIGNED])
    assert checker.get(f"/tham-dinh/kiem-tra-cheo/{world.cross_check.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("phase", "round1", "final"),
    [
        (Phase.ROUND1, False, False),
        (Phase.ROUND1_CLOSED, True, False),
        (Phase.SUPPLEMENT, True, False),
        (Phase.ROUND2, True, False),
        (Phase.COUNCIL, True, False),
        (Phase.PUBLISHED, True, True),
    ],
)
def test_agency_stages_by_phase(db, phase, round1, final):
    world = w.build(phase)
    staff = _api(world.users[w.STAFF])
    stages = {
        s["stage"]
        for s in staff.get(f"/api/v1/assessments/{world.own.pk}/scores/").json()["results"]
    }
    assert stages == {Stage.SELF} | ({Stage.ROUND1} if round1 else set()) | (
        {Stage.FINAL} if final else set()
    )
    web = _web(world.users[w.STAFF])
    agency = web.get(f"/tham-dinh/ho-so/{world.own.pk}/ket-qua/")
    assert agency.status_code == (200 if round1 else 404)
    scorecard = web.get(f"/bao-cao/{w.YEAR}/don-vi/A01/")
    assert scorecard.status_code == (200 if final else 404)
    results = {
        (r["year"], r["stage"])
        for r in staff.get(f"/api/v1/results/?year={w.YEAR}").json()["results"]
    }
    assert bool(results) is final
