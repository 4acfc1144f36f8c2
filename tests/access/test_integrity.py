"""Item 3 of issue 11: the integrity of every write.

Every write goes through a service that checks permission and the year's phase, refuses
anything in a published (frozen) year, and writes an audit row (who, when, old, new, why).
An appraiser's exemption for their own home unit is cross-checked like a score. The
self-assessment stops at the unit's deadline or the secretariat's close (one function
answers the deadline). The admin shows phases, scores and results read-only.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from appraisal import services as appraisal_services
from appraisal.models import CrossCheck
from evidence import services as evidence_services
from reports import services as reports_services
from scoring import criteria_io, rules
from scoring import services as scoring_services
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import AuditEntry, Exemption, LeafScore, Period, Result
from scoring.services import PublishedYearError
from tests.evidence.files import pdf_bytes
from tests.factories import make_user
from units.rules import home_unit_ids

from . import world as w

SIPAS = b"unit_code,sipas\nA01,91.5\n"
STATS = b"unit_code,received,early,on_time,late,pending\nA01,10,1,8,1,0\n"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def _rows(world):
    return criteria_io.criteria_parse(io.BytesIO(world.criteria_xlsx))[0]


# (label, role, the write as a call on the world)
WRITES = {
    "self score": (
        w.STAFF,
        lambda x, u: scoring_services.self_score_set(
            actor=u,
            assessment=x.own,
            criterion=x.nodes["1.1"],
            inputs={"answer": "true"},
            explanation="Đã ban hành",
        ),
    ),
    "self exemption": (
        w.STAFF,
        lambda x, u: scoring_services.self_exemption_claim(
            actor=u, assessment=x.own, criterion=x.nodes["2.2"], reason="Không có TTHC"
        ),
    ),
    "evidence upload": (
        w.STAFF,
        lambda x, u: evidence_services.evidence_upload(
            actor=u,
            assessment=x.own,
            criterion=x.nodes["1.2"],
            uploaded_file=SimpleUploadedFile("bc.pdf", pdf_bytes("bao cao")),
        ),
    ),
    "evidence link": (
        w.STAFF,
        lambda x, u: evidence_services.evidence_link(
            actor=u, evidence_file=x.evidence_file, criterion=x.nodes["1.2"]
        ),
    ),
    "evidence unlink": (
        w.STAFF,
        lambda x, u: evidence_services.evidence_unlink(
            actor=u, evidence_file=x.evidence_file, criterion=x.nodes["1.1"]
        ),
    ),
    "evidence remove": (
        w.STAFF,
        lambda x, u: evidence_services.evidence_remove(actor=u, evidence_file=x.evidence_file),
    ),
    "appraisal score": (
        w.ASSIGNED,
        lambda x, u: appraisal_services.appraisal_score_set(
            actor=u,
            assessment=x.own,
            criterion=x.nodes["1.1"],
            stage=x.open_stage if x.phase != Phase.PUBLISHED else Stage.FINAL,
            inputs={"answer": "true"},
            comment="Có kế hoạch",
        ),
    ),
    "SIPAS import": (
        w.SECR,
        lambda x, u: reports_services.sipas_import(
            actor=u, period=x.period, content=SIPAS, filename="s.csv"
        ),
    ),
    "dossier statistics import": (
        w.SECR,
        lambda x, u: reports_services.dossier_stats_import(
            actor=u, period=x.period, content=STATS, filename="d.csv"
        ),
    ),
    "inputs applied to leaves": (
        w.SECR,
        lambda x, u: (
            x.own.__class__.objects.filter(pk=x.own.pk).update(sipas=45),
            reports_services.external_inputs_apply(period=x.period, stage=Stage.FINAL, actor=u),
        ),
    ),
    "criteria import": (
        w.SECR,
        lambda x, u: criteria_io.criteria_import(actor=u, year=w.YEAR, rows=_rows(x)),
    ),
    "index run": (
        w.SECR,
        lambda x, u: reports_services.index_run_request(actor=u, period=x.period, stage="final"),
    ),
    "team member": (
        w.SECR,
        lambda x, u: appraisal_services.team_member_set(
            actor=u, period=x.period, user=x.spare, home_unit=x.units["B01"], expertise=["1"]
        ),
    ),
    "assignment": (
        w.SECR,
        lambda x, u: appraisal_services.assignment_set(
            actor=u,
            period=x.period,
            field=x.nodes["2"],
            unit=x.units["A01"],
            appraiser=x.users[w.UNASSIGNED],
        ),
    ),
    "decision": (
        w.SECR,
        lambda x, u: appraisal_services.decision_record(
            actor=u, period=x.period, number="16/QĐ", date=timezone.localdate(), signer="Chủ tịch"
        ),
    ),
}
# The phase in which each write is open (and must leave an audit row).
OPEN_IN = {
    "self score": Phase.SELF_ASSESSMENT,
    "self exemption": Phase.SELF_ASSESSMENT,
    "evidence upload": Phase.SELF_ASSESSMENT,
    "evidence link": Phase.SELF_ASSESSMENT,
    "evidence unlink": Phase.SELF_ASSESSMENT,
    "evidence remove": Phase.SELF_ASSESSMENT,
    "appraisal score": Phase.ROUND1,
    "SIPAS import": Phase.ROUND2,
    "dossier statistics import": Phase.ROUND2,
    "inputs applied to leaves": Phase.ROUND2,
    "criteria import": Phase.SETUP,
    "index run": Phase.ROUND2,
    "team member": Phase.ROUND1,
    "assignment": Phase.ROUND1,
    "decision": Phase.COUNCIL,
}


@pytest.fixture
def published(db):
    return w.build(Phase.PUBLISHED)


@pytest.mark.parametrize("label", list(WRITES))
def test_every_write_refused_in_a_published_year(published, label):
    role, write = WRITES[label]
    before = AuditEntry.objects.count()
    results = list(Result.objects.values_list("index", flat=True))
    with pytest.raises((PermissionDenied, ValidationError, criteria_io.CriteriaError)):
        write(published, published.users[role])
    assert AuditEntry.objects.count() == before
    assert list(Result.objects.values_list("index", flat=True)) == results


def test_published_results_not_recomputed_unless_reopened(published):
    for stage in Stage.values:
        with pytest.raises(PublishedYearError):
            scoring_services.results_compute(period=published.period, stage=stage)


@pytest.mark.parametrize("label", list(WRITES))
def test_every_write_leaves_an_audit_row(db, label):
    world = w.build(OPEN_IN[label])
    role, write = WRITES[label]
    user = world.users[role]
    before = timezone.now()
    write(world, user)
    entries = list(AuditEntry.objects.filter(at__gte=before))
    assert entries, f"{label}: no audit row"
    assert all(e.actor == user and e.period_id == world.period.pk for e in entries)
    assert all(e.new_value is not None or e.old_value is not None for e in entries), label


def test_self_score_audit_row_has_old_and_new(db):
    world = w.build(Phase.SELF_ASSESSMENT)
    WRITES["self score"][1](world, world.users[w.STAFF])
    entry = AuditEntry.objects.get(action=AuditAction.SCORE, stage=Stage.SELF)
    assert entry.old_value["value"] == "0.00" and entry.old_value["inputs"] == {"answer": False}
    assert entry.new_value["value"] == "2.00" and entry.new_value["explanation"] == "Đã ban hành"
    assert entry.actor == world.users[w.STAFF] and entry.assessment == world.own
    assert entry.criterion == world.nodes["1.1"]


def test_plans_are_written_once_published_and_audited(published):
    staff = published.users[w.STAFF]
    plan = reports_services.improvement_plan_draft(
        actor=staff, period=published.period, unit=published.units["A01"]
    )
    entry = AuditEntry.objects.get(action=AuditAction.PLAN)
    assert entry.actor == staff and entry.new_value["items"] == plan.items.count() > 0
    Period.objects.filter(pk=published.period.pk).update(phase=Phase.COUNCIL)
    published.period.refresh_from_db()
    with pytest.raises(PermissionDenied):
        reports_services.improvement_plan_draft(
            actor=published.users[w.HEAD], period=published.period, unit=published.units["A01"]
        )


def test_criteria_copy_into_a_new_year_audited(db):
    world = w.build(Phase.SETUP)
    with pytest.raises(PermissionDenied):  # a 2025 secretariat does not set up 2026
        criteria_io.criteria_copy(from_year=w.YEAR, to_year=w.YEAR + 1, actor=world.users[w.SECR])
    target = criteria_io.criteria_copy(
        from_year=w.YEAR, to_year=w.YEAR + 1, actor=world.users[w.SECR_ALL]
    )
    entry = AuditEntry.objects.get(action=AuditAction.CRITERIA, period=target)
    assert entry.new_value["copied_from"] == w.YEAR and entry.actor == world.users[w.SECR_ALL]


def test_audit_csv_export_lists_every_kind_of_write(db):
    world = w.build(Phase.SELF_ASSESSMENT)
    WRITES["self score"][1](world, world.users[w.STAFF])
    WRITES["evidence upload"][1](world, world.users[w.STAFF])
    client = Client()
    client.force_login(world.users[w.SECR])
    body = client.get(f"/tham-dinh/{w.YEAR}/nhat-ky.csv").content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("at,unit_code,criterion_code,stage,action")
    assert ",A01,1.1,self,score,chuyen_vien_a," in body
    assert ",A01,1.2,self,evidence_link,chuyen_vien_a," in body


# --- the exemption of an appraiser's own home unit ----------------------------------------


@pytest.fixture
def round2(db):
    world = w.build(Phase.ROUND2)
    CrossCheck.objects.filter(decided_at__isnull=True).update(
        decided_at=timezone.now(), decision="confirmed"
    )
    LeafScore.objects.filter(provisional=True).update(provisional=False)
    return world


def _home_exemption(world, code="2.3"):
    return appraisal_services.appraisal_exemption_set(
        actor=world.users[w.HOME],
        assessment=world.own,
        criterion=world.nodes[code],
        stage=Stage.FINAL,
        reason="Không đủ số phiếu khảo sát",
    )


def test_home_unit_exemption_waits_for_a_cross_check(round2):
    exemption = _home_exemption(round2)
    check = CrossCheck.objects.get(criterion=round2.nodes["2.3"], kind="exemption")
    assert exemption.provisional and check.is_open and check.stage == Stage.FINAL
    assert check.checker not in (None, round2.users[w.HOME])
    assert round2.own.unit_id not in home_unit_ids(check.checker, w.YEAR)
    problems = appraisal_services.phase_move_problems(
        period=round2.period, to_phase=Phase.COUNCIL, reason=""
    )
    assert any("thẩm định chéo" in p for p in problems)
    # Not by the home appraiser, never: not theirs to decide.
    with pytest.raises((PermissionDenied, ValidationError)):
        appraisal_services.cross_check_decide(
            actor=round2.users[w.HOME], cross_check=check, decision="confirmed"
        )
    kept = appraisal_services.cross_check_decide(
        actor=check.checker, cross_check=check, decision="confirmed"
    )
    assert kept.provisional is False
    assert AuditEntry.objects.filter(action=AuditAction.CROSS_CHECK, criterion=check.criterion)


def test_home_unit_exemption_rejected_by_the_checker(round2):
    _home_exemption(round2)
    check = CrossCheck.objects.get(criterion=round2.nodes["2.3"], kind="exemption")
    with pytest.raises(ValidationError):
        appraisal_services.cross_check_decide(
            actor=check.checker, cross_check=check, decision="changed", comment=""
        )
    assert (
        appraisal_services.cross_check_decide(
            actor=check.checker,
            cross_check=check,
            decision="changed",
            comment="Đủ phiếu khảo sát theo báo cáo SIPAS",
        )
        is None
    )
    assert not Exemption.objects.filter(criterion=round2.nodes["2.3"], stage=Stage.FINAL).exists()


def test_exemption_of_another_unit_is_not_cross_checked(round2):
    exemption = appraisal_services.appraisal_exemption_set(
        actor=round2.users[w.ASSIGNED],
        assessment=round2.own,
        criterion=round2.nodes["1.2"],
        stage=Stage.FINAL,
        reason="Không phát sinh",
    )
    assert not exemption.provisional
    assert not CrossCheck.objects.filter(kind="exemption").exists()


def test_exemption_cross_check_by_page_and_api(round2):
    _home_exemption(round2)
    check = CrossCheck.objects.get(criterion=round2.nodes["2.3"], kind="exemption")
    client = Client()
    client.force_login(check.checker)
    page = client.get(f"/tham-dinh/kiem-tra-cheo/{check.pk}/").content.decode()
    assert "Không đủ số phiếu khảo sát" in page and "Chấp nhận giảm trừ" in page
    queue = client.get(f"/tham-dinh/{w.YEAR}/hang-doi/").content.decode()
    assert "(giảm trừ)" in queue
    api = APIClient()
    api.force_authenticate(check.checker)
    answer = api.post(f"/api/v1/cross-checks/{check.pk}/decision/", {"decision": "confirmed"})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "criterion_code": "2.3",
        "stage": "final",
        "decision": "confirmed",
        "exemption": {"reason": "Không đủ số phiếu khảo sát", "provisional": False},
    }


def test_completing_a_home_unit_field_queues_its_prefilled_exemptions(db):
    world = w.build(Phase.ROUND1)
    Exemption.objects.create(
        assessment=world.own,
        criterion=world.nodes["2.4"],
        stage=Stage.ROUND1,
        reason="Đơn vị đề nghị: không có sáng kiến",
    )
    appraisal_services.assignment_complete(
        actor=world.users[w.HOME], assignment=world.assignments[("A01", "2")]
    )
    assert Exemption.objects.get(criterion=world.nodes["2.4"], stage=Stage.ROUND1).provisional
    assert CrossCheck.objects.filter(criterion=world.nodes["2.4"], kind="exemption").exists()


# --- the self-assessment stops at the deadline or the close -------------------------------


@pytest.fixture
def self_year(db):
    return w.build(Phase.SELF_ASSESSMENT)


@pytest.mark.parametrize("how", ["deadline", "closed"])
def test_every_self_assessment_write_stops(self_year, how):
    if how == "deadline":
        Period.objects.filter(pk=self_year.period.pk).update(
            self_assessment_deadline=timezone.now() - timedelta(seconds=1)
        )
    else:
        Period.objects.filter(pk=self_year.period.pk).update(self_assessment_closed=True)
    self_year.own.refresh_from_db()
    for label in OPEN_IN:
        if OPEN_IN[label] != Phase.SELF_ASSESSMENT:
            continue
        role, write = WRITES[label]
        with pytest.raises(PermissionDenied):
            write(self_year, self_year.users[role])
    assert not AuditEntry.objects.exists()


def test_the_units_deadline_is_one_function(self_year, monkeypatch):
    """An extension plugs into scoring.rules.self_assessment_deadline and nothing else."""
    Period.objects.filter(pk=self_year.period.pk).update(
        self_assessment_deadline=timezone.now() - timedelta(hours=1)
    )
    self_year.own.refresh_from_db()
    staff = self_year.users[w.STAFF]
    assert not staff.has_perm("scoring.edit_self_assessment", self_year.own)
    extended = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(rules, "self_assessment_deadline", lambda assessment: extended)
    assert staff.has_perm("scoring.edit_self_assessment", self_year.own)
    assert staff.has_perm("evidence.upload_file", self_year.own)
    WRITES["self score"][1](self_year, staff)


def test_late_submission_still_taken_until_closed(self_year):
    Period.objects.filter(pk=self_year.period.pk).update(
        self_assessment_deadline=timezone.now() - timedelta(hours=1)
    )
    self_year.own.refresh_from_db()
    head = self_year.users[w.HEAD]
    submitted = scoring_services.assessment_submit(
        actor=head, assessment=self_year.own, confirm=True
    )
    assert submitted.is_late
    assert AuditEntry.objects.get(action=AuditAction.SUBMIT).new_value["is_late"] is True


def test_page_tells_the_unit_why_its_draft_is_closed(self_year):
    Period.objects.filter(pk=self_year.period.pk).update(self_assessment_closed=True)
    client = Client()
    client.force_login(self_year.users[w.STAFF])
    url = f"/ho-so/{self_year.own.pk}/tieu-chi/{self_year.nodes['1.1'].pk}/luu/"
    response = client.post(url, {"answer": "true"}, follow=True)
    assert "Bộ phận thư ký đã khóa việc tự đánh giá" in response.content.decode()
    api = APIClient()
    api.force_authenticate(self_year.users[w.STAFF])
    answer = api.put(
        f"/api/v1/assessments/{self_year.own.pk}/scores/1.1/self/",
        {"inputs": {"answer": True}},
        format="json",
    )
    assert answer.status_code == 400
    assert "khóa việc tự đánh giá" in answer.json()["error"]


# --- the admin --------------------------------------------------------------------------


def test_admin_shows_phases_scores_results_read_only(published):
    admin = make_user(username="quan_tri")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    score = LeafScore.objects.filter(assessment=published.own).first()
    result = Result.objects.filter(period=published.period).first()
    for model, obj in (("leafscore", score), ("result", result), ("exemption", None)):
        if obj is not None:
            page = client.get(f"/admin/scoring/{model}/{obj.pk}/change/")
            assert page.status_code == 200
            assert 'name="_save"' not in page.content.decode()
            assert client.post(f"/admin/scoring/{model}/{obj.pk}/change/", {}).status_code == 403
        assert client.get(f"/admin/scoring/{model}/add/").status_code == 403
    period_page = client.get(f"/admin/scoring/period/{published.period.pk}/change/").content
    assert b'name="phase"' not in period_page and b'name="round2_end_0"' not in period_page
    assert b'name="groups-0-bonus_cap"' not in period_page
    Period.objects.filter(pk=published.period.pk).update(phase=Phase.ROUND2)
    period_page = client.get(f"/admin/scoring/period/{published.period.pk}/change/").content
    assert b'name="phase"' not in period_page and b'name="round2_end_0"' in period_page
