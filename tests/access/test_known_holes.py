"""The holes an outside tester found (issue 11), each reproduced through the portal's own
interfaces: a role of another year acting on 2025, agencies reading final figures before
publication, appraisers reading drafts, a published year's inputs re-imported, an exemption
for an appraiser's home unit not cross-checked, drafts changing after the close."""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from appraisal import services as appraisal_services
from appraisal.models import CouncilApproval, CrossCheck
from reports import services as reports_services
from scoring import services as scoring_services
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage
from scoring.models import AuditEntry, Period, Result
from scoring.services import results_compute
from tests.factories import (
    RoleKind,
    make_assessment,
    make_assignment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)

YEAR, OTHER_YEAR = 2025, 2023
FINAL_COMMENT = "NHAN-XET-VONG-2-BI-MAT"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def year(db):
    group = make_group("so")
    unit, other = make_unit(group, "SOTP", "Sở Tư pháp"), make_unit(group, "SOTC", "Sở Tài chính")
    period = make_period(YEAR, Phase.ROUND2, groups=[group])
    make_period(OTHER_YEAR, Phase.PUBLISHED, groups=[group])
    nodes = make_small_tree(period, [group])
    assessment = make_assessment(period, unit, status=AssessmentStatus.SUBMITTED)
    draft = make_assessment(period, other)
    for a in (assessment, draft):
        set_score(a, nodes["1.1"], "2", stage=Stage.SELF, inputs={"answer": True})
    for stage in (Stage.ROUND1, Stage.FINAL):
        set_score(assessment, nodes["1.1"], "0", stage=stage, inputs={"answer": False})
    assessment.scores.filter(stage=Stage.FINAL).update(comment=FINAL_COMMENT)
    results_compute(period=period, stage=Stage.FINAL)
    return SimpleNamespace(
        group=group,
        unit=unit,
        other=other,
        period=period,
        nodes=nodes,
        assessment=assessment,
        draft=draft,
        staff=make_user(RoleKind.AGENCY_STAFF, unit),
        secretariat_2023=make_user(RoleKind.SECRETARIAT, year=OTHER_YEAR),
        council_2023=make_user(RoleKind.COUNCIL, year=OTHER_YEAR),
        home=make_user(RoleKind.APPRAISER, unit, year=YEAR, expertise=["1", "2"]),
        away=make_user(RoleKind.APPRAISER, other, year=YEAR, expertise=["1", "2"]),
    )


def _phase(year, phase):
    Period.objects.filter(pk=year.period.pk).update(phase=phase)
    year.period.refresh_from_db()


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_secretariat_of_another_year_cannot_move_2025(year):
    _phase(year, Phase.SELF_ASSESSMENT)
    client = _api(year.secretariat_2023)
    assert client.get(f"/api/v1/periods/{YEAR}/phase/").status_code == 404
    response = client.post(f"/api/v1/periods/{YEAR}/phase/", {"to_phase": "round1"}, format="json")
    assert response.status_code == 404
    year.period.refresh_from_db()
    assert year.period.phase == Phase.SELF_ASSESSMENT


def test_council_member_of_another_year_cannot_approve_2025(year):
    _phase(year, Phase.COUNCIL)
    client = Client()
    client.force_login(year.council_2023)
    assert client.post(f"/tham-dinh/{YEAR}/thong-qua/").status_code == 404
    assert not CouncilApproval.objects.filter(period=year.period).exists()
    with pytest.raises(PermissionDenied):
        appraisal_services.council_approve(actor=year.council_2023, period=year.period)


@pytest.mark.parametrize("phase", [Phase.ROUND2, Phase.COUNCIL])
def test_agency_cannot_read_final_figures_before_publication(year, phase):
    _phase(year, phase)
    client = Client()
    client.force_login(year.staff)
    base = f"/bao-cao/{YEAR}/don-vi/{year.unit.code}/"
    for url in (base, base + "tai-ve.xlsx", base + "ke-hoach/"):
        assert client.get(url).status_code == 404, url
    assert client.post(base + "ke-hoach/", {"action": "draft"}).status_code == 404
    scores = _api(year.staff).get(f"/api/v1/assessments/{year.assessment.pk}/scores/").json()
    assert FINAL_COMMENT not in str(scores)


def test_agency_reads_final_figures_once_published(year):
    _phase(year, Phase.PUBLISHED)
    client = Client()
    client.force_login(year.staff)
    base = f"/bao-cao/{YEAR}/don-vi/{year.unit.code}/"
    assert FINAL_COMMENT in client.get(base).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(base + "tai-ve.xlsx").content))
    cells = [str(c.value) for ws in sheet for row in ws.iter_rows() for c in row]
    assert any(FINAL_COMMENT in c for c in cells)
    result = Result.objects.get(period=year.period, unit=year.unit, stage=Stage.FINAL)
    assert f"{result.index:.2f}".replace(".", ",") in client.get(base).content.decode()


def test_appraisers_cannot_read_unsubmitted_drafts(year):
    _phase(year, Phase.SELF_ASSESSMENT)
    client = _api(year.away)
    for url in (
        f"/api/v1/assessments/{year.draft.pk}/",
        f"/api/v1/assessments/{year.draft.pk}/scores/",
        f"/api/v1/assessments/{year.draft.pk}/evidence/",
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get("/api/v1/assessments/").json()["results"]
    assert year.draft.pk not in [a["id"] for a in listed]
    # A submitted dossier is theirs to read; an unsubmitted one once round 1 has started.
    assert client.get(f"/api/v1/assessments/{year.assessment.pk}/").status_code == 200
    _phase(year, Phase.ROUND1)
    assert client.get(f"/api/v1/assessments/{year.draft.pk}/").status_code == 200


def test_published_year_inputs_cannot_be_reimported_or_reapplied(year):
    _phase(year, Phase.PUBLISHED)
    secretariat = make_user(RoleKind.SECRETARIAT, year=YEAR)
    before = AuditEntry.objects.count()
    sipas = b"unit_code,sipas\nSOTP,91.5\n"
    stats = b"unit_code,received,early,on_time,late,pending\nSOTP,10,1,8,1,0\n"
    with pytest.raises(ValidationError):
        reports_services.sipas_import(
            actor=secretariat, period=year.period, content=sipas, filename="s.csv"
        )
    with pytest.raises(ValidationError):
        reports_services.dossier_stats_import(
            actor=secretariat, period=year.period, content=stats, filename="d.csv"
        )
    for stage in Stage.values:
        with pytest.raises(ValidationError):
            reports_services.external_inputs_apply(
                period=year.period, stage=stage, actor=secretariat
            )
    year.assessment.refresh_from_db()
    assert year.assessment.sipas is None and year.assessment.late_dossier_percent is None
    assert AuditEntry.objects.count() == before
    # In an open year the same import is taken, and audited.
    _phase(year, Phase.ROUND2)
    reports_services.sipas_import(
        actor=secretariat, period=year.period, content=sipas, filename="s.csv"
    )
    entry = AuditEntry.objects.get(action=AuditAction.INPUTS_IMPORT)
    assert (entry.actor, entry.old_value, entry.new_value) == (
        secretariat,
        {"SOTP": {"sipas": None}},
        {"SOTP": {"sipas": "91.50"}},
    )


def test_exemption_for_own_home_unit_is_cross_checked(year):
    _phase(year, Phase.ROUND2)
    make_assignment(year.period, "2", year.unit, year.home)
    exemption = appraisal_services.appraisal_exemption_set(
        actor=year.home,
        assessment=year.assessment,
        criterion=year.nodes["2.3"],
        stage=Stage.FINAL,
        reason="Không đủ số phiếu khảo sát",
    )
    assert exemption.provisional
    check = CrossCheck.objects.get(assessment=year.assessment, criterion=year.nodes["2.3"])
    assert check.checker == year.away and check.is_open


@pytest.mark.parametrize("how", ["closed", "deadline"])
def test_drafts_stop_changing_after_close_or_deadline(year, how):
    _phase(year, Phase.SELF_ASSESSMENT)
    if how == "closed":
        Period.objects.filter(pk=year.period.pk).update(self_assessment_closed=True)
    else:
        Period.objects.filter(pk=year.period.pk).update(
            self_assessment_deadline=timezone.now() - timedelta(minutes=1)
        )
    draft = year.draft
    draft.refresh_from_db()
    staff = make_user(RoleKind.AGENCY_STAFF, year.other)
    with pytest.raises(PermissionDenied):
        scoring_services.self_score_set(
            actor=staff,
            assessment=draft,
            criterion=year.nodes["1.2"],
            inputs={"level": "on_time"},
            explanation="",
        )
    client = Client()
    client.force_login(staff)
    url = f"/ho-so/{draft.pk}/tieu-chi/{year.nodes['1.2'].pk}/luu/"
    assert client.post(url, {"level": "on_time"}).status_code in (302, 403)
    assert not draft.scores.filter(criterion=year.nodes["1.2"]).exists()
