"""The appraisal services: scoring rounds, cross-check, phases, supplement, publication."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisal import services
from appraisal.enums import CrossCheckDecision
from appraisal.models import Assignment, CouncilApproval, CrossCheck, Supplement
from evidence.models import EvidenceLink
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import AuditEntry, Exemption, LeafScore, Result
from tests.factories import RoleKind, make_unit, make_user, set_score

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def score(cycle, actor, code, inputs, comment="", assessment=None, stage=Stage.ROUND1, **kw):
    return services.appraisal_score_set(
        actor=actor,
        assessment=assessment or cycle.assessment,
        criterion=cycle.nodes[code],
        stage=stage,
        inputs=inputs,
        comment=comment,
        **kw,
    )


def move(cycle, to_phase, reason="", confirm=True):
    """A move as the secretariat makes it on the cycle page: consequences seen, confirmed."""
    return services.phase_move(
        actor=cycle.secretariat,
        period=cycle.period,
        to_phase=to_phase,
        reason=reason,
        confirm=confirm,
    )


def set_phase(cycle, phase):
    cycle.period.phase = phase
    cycle.period.save(update_fields=["phase"])


# --- scoring -------------------------------------------------------------------------------


def test_score_set_outside_assignment_is_not_found(cycle):
    with pytest.raises(PermissionDenied):
        score(cycle, cycle.away, "1.1", {"answer": True})  # field 1 of the unit is home's
    with pytest.raises(PermissionDenied):
        score(cycle, cycle.staff, "2.1", {"value": "1"})
    assert not LeafScore.objects.filter(stage=Stage.ROUND1).exists()


def test_score_set_outside_phase_refused(cycle):
    with pytest.raises(ValidationError) as refused:
        score(cycle, cycle.away, "2.1", {"value": "1"}, stage=Stage.FINAL)
    assert refused.value.code == "phase"
    set_phase(cycle, Phase.SUPPLEMENT)
    cycle.assessment.period.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        score(cycle, cycle.away, "2.1", {"value": "1"})
    assert "Giải trình bổ sung" in refused.value.messages[0]
    assert not LeafScore.objects.filter(stage__in=[Stage.ROUND1, Stage.FINAL]).exists()


def test_score_set_comment_required_when_differs_from_self(cycle):
    with pytest.raises(ValidationError) as refused:
        score(cycle, cycle.away, "2.1", {"value": "0,5"})
    assert refused.value.code == "comment_required"
    saved = score(cycle, cycle.away, "2.1", {"value": "0,5"}, comment="Thiếu kế hoạch rà soát")
    assert saved.value == pytest.approx(0.5) and not saved.provisional
    # The same points as the unit's own need no comment; unclaimed points may be awarded.
    assert score(cycle, cycle.away, "2.1", {"value": "1"}).value == 1
    unclaimed = score(cycle, cycle.away, "2.4", {"count": "2"}, comment="Có 2 sáng kiến")
    assert unclaimed.value == 1


def test_score_set_own_home_unit_is_provisional_and_queued(cycle):
    saved = score(cycle, cycle.home, "1.1", {"answer": True})
    assert saved.provisional
    check = CrossCheck.objects.get()
    assert check.checker == cycle.away and check.is_open
    # A score given to another unit is final at once.
    other = score(cycle, cycle.home, "1.1", {"answer": True}, assessment=cycle.other_assessment)
    assert not other.provisional and CrossCheck.objects.count() == 1


def test_cross_check_own_home_unit_refused(cycle):
    score(cycle, cycle.home, "1.1", {"answer": True})
    check = CrossCheck.objects.get()
    with pytest.raises(ValidationError) as refused:
        services.cross_check_decide(
            actor=cycle.home, cross_check=check, decision=CrossCheckDecision.CONFIRMED
        )
    assert refused.value.code == "own_home_unit"
    with pytest.raises(ValidationError) as refused:
        services.cross_check_assign(actor=cycle.secretariat, cross_check=check, checker=cycle.home)
    assert refused.value.code == "own_home_unit"
    check.refresh_from_db()
    assert check.is_open and check.checker == cycle.away


def test_cross_check_change_needs_comment_and_settles(cycle):
    score(cycle, cycle.home, "1.1", {"answer": True})
    check = CrossCheck.objects.get()
    with pytest.raises(ValidationError):
        services.cross_check_decide(
            actor=cycle.away,
            cross_check=check,
            decision=CrossCheckDecision.CHANGED,
            inputs={"answer": "false"},
        )
    changed = services.cross_check_decide(
        actor=cycle.away,
        cross_check=check,
        decision=CrossCheckDecision.CHANGED,
        inputs={"answer": "false"},
        comment="Kế hoạch ban hành sau thời hạn",
    )
    assert changed.value == 0 and not changed.provisional
    check.refresh_from_db()
    assert check.decision == CrossCheckDecision.CHANGED and not check.is_open


def test_stale_version_refused_with_current_value(cycle):
    first = score(cycle, cycle.away, "2.1", {"value": "1"}, expected_version=0)
    with pytest.raises(services.StaleVersionError) as stale:
        score(cycle, cycle.away, "2.1", {"value": "0"}, comment="x", expected_version=0)
    assert stale.value.current.pk == first.pk and stale.value.current.value == 1


def test_exemption_proposed_with_reason(cycle):
    with pytest.raises(ValidationError):
        services.appraisal_exemption_set(
            actor=cycle.away,
            assessment=cycle.assessment,
            criterion=cycle.nodes["2.2"],
            stage=Stage.ROUND1,
            reason=" ",
        )
    services.appraisal_exemption_set(
        actor=cycle.away,
        assessment=cycle.assessment,
        criterion=cycle.nodes["2.2"],
        stage=Stage.ROUND1,
        reason="Không có TTHC",
    )
    assert Exemption.objects.filter(stage=Stage.ROUND1).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.EXEMPTION).count() == 1


# --- phases ------------------------------------------------------------------------------


def test_phase_move_only_secretariat(cycle):
    for actor in (cycle.home, cycle.council, cycle.staff):
        with pytest.raises(PermissionDenied):
            services.phase_move(actor=actor, period=cycle.period, to_phase=Phase.ROUND1_CLOSED)


def test_phase_move_illegal_refused(cycle):
    with pytest.raises(ValidationError) as refused:
        move(cycle, Phase.PUBLISHED)
    assert "Không thể chuyển" in refused.value.messages[0]


def test_round1_close_refused_with_open_cross_checks(cycle, django_capture_on_commit_callbacks):
    score(cycle, cycle.home, "1.1", {"answer": True})
    with pytest.raises(ValidationError) as refused:
        move(cycle, Phase.ROUND1_CLOSED)
    assert "SOTP 1.1" in refused.value.messages[0]
    cycle.period.refresh_from_db()
    assert cycle.period.phase == Phase.ROUND1
    services.cross_check_decide(
        actor=cycle.away,
        cross_check=CrossCheck.objects.get(),
        decision=CrossCheckDecision.CONFIRMED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        move(cycle, Phase.ROUND1_CLOSED)
    assert Result.objects.filter(period=cycle.period, stage=Stage.ROUND1).count() == 2
    entry = AuditEntry.objects.filter(action=AuditAction.PHASE).get()
    assert entry.old_value == {"phase": "round1"} and entry.actor == cycle.secretariat
    assert any("Kết thúc thẩm định lần 1" in m.subject for m in mail.outbox)


def test_move_into_round1_prefills_from_self(cycle):
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    move(cycle, Phase.ROUND1)
    prefilled = LeafScore.objects.get(
        assessment=cycle.assessment, criterion=cycle.nodes["2.1"], stage=Stage.ROUND1
    )
    assert prefilled.value == 1 and prefilled.inputs == {"value": "1"}
    # Starting from the self value, keeping it needs no comment.
    saved = score(cycle, cycle.away, "2.1", {"value": "1"}, expected_version=1)
    assert saved.version == 1


def test_move_into_round2_copies_round1(cycle):
    score(cycle, cycle.away, "2.1", {"value": "0,5"}, comment="Thiếu", supplement_requested=True)
    services.appraisal_exemption_set(
        actor=cycle.away,
        assessment=cycle.assessment,
        criterion=cycle.nodes["2.2"],
        stage=Stage.ROUND1,
        reason="Không có TTHC",
    )
    move(cycle, Phase.ROUND1_CLOSED)
    move(cycle, Phase.SUPPLEMENT)
    move(cycle, Phase.ROUND2, reason="Đơn vị đã gửi đủ giải trình trước hạn")  # window open
    final = LeafScore.objects.get(
        assessment=cycle.assessment, criterion=cycle.nodes["2.1"], stage=Stage.FINAL
    )
    assert final.value == pytest.approx(0.5) and not final.supplement_requested
    assert Exemption.objects.filter(stage=Stage.FINAL, criterion=cycle.nodes["2.2"]).exists()


def test_round2_close_refused_until_settled(cycle):
    set_phase(cycle, Phase.ROUND2)
    with pytest.raises(ValidationError) as refused:
        move(cycle, Phase.COUNCIL)
    assert "SOTP × 1" in " ".join(refused.value.messages)
    for assignment in Assignment.objects.all():  # nothing scored in round 2: with a reason
        services.assignment_complete(
            actor=assignment.appraiser, assignment=assignment, reason="Giữ kết quả lần 1"
        )
    move(cycle, Phase.COUNCIL)
    cycle.period.refresh_from_db()
    assert cycle.period.phase == Phase.COUNCIL


def test_publish_requires_approval_and_decision(cycle):
    set_phase(cycle, Phase.COUNCIL)
    with pytest.raises(ValidationError) as refused:
        move(cycle, Phase.PUBLISHED)
    assert len(refused.value.messages) == 2
    with pytest.raises(PermissionDenied):
        services.council_approve(actor=cycle.home, period=cycle.period)
    services.council_approve(actor=cycle.council, period=cycle.period)
    services.council_approve(actor=cycle.council, period=cycle.period)  # once
    assert CouncilApproval.objects.count() == 1
    services.decision_record(
        actor=cycle.secretariat,
        period=cycle.period,
        number="123/QĐ-UBND",
        date=date(2025, 1, 21),
        signer="Chủ tịch UBND tỉnh",
    )
    move(cycle, Phase.PUBLISHED)
    cycle.period.refresh_from_db()
    assert cycle.period.is_published and cycle.period.published_at is not None
    assert Result.objects.filter(period=cycle.period, stage=Stage.FINAL).count() == 2


def test_published_year_frozen_until_reopened(cycle):
    set_phase(cycle, Phase.PUBLISHED)
    CouncilApproval.objects.create(
        period=cycle.period, member=cycle.council, approved_at=timezone.now()
    )
    with pytest.raises(ValidationError) as refused:
        score(cycle, cycle.away, "2.1", {"value": "1"}, stage=Stage.FINAL)
    assert refused.value.code == "frozen"
    with pytest.raises(ValidationError):
        services.assignment_set(
            actor=cycle.secretariat,
            period=cycle.period,
            field=cycle.nodes["2"],
            unit=cycle.unit,
            appraiser=cycle.home,
        )
    with pytest.raises(ValidationError):
        move(cycle, Phase.ROUND2)  # no reason
    move(cycle, Phase.ROUND2, reason="Khiếu nại của Sở Tư pháp về tiêu chí 2.1")
    assert CouncilApproval.objects.get().superseded
    score(cycle, cycle.away, "2.1", {"value": "1"}, stage=Stage.FINAL)
    entry = AuditEntry.objects.filter(action=AuditAction.SCORE).get()
    assert entry.after_approval


# --- supplement ----------------------------------------------------------------------------


@pytest.fixture
def supplement(cycle):
    score(
        cycle,
        cycle.away,
        "2.1",
        {"value": "0,5"},
        comment="Thiếu báo cáo",
        supplement_requested=True,
    )
    move(cycle, Phase.ROUND1_CLOSED)
    move(cycle, Phase.SUPPLEMENT)
    cycle.assessment.refresh_from_db()
    cycle.assessment.period.refresh_from_db()
    return cycle


def test_supplement_flagged_item_accepted(supplement):
    c = supplement
    services.supplement_explanation_set(
        actor=c.staff,
        assessment=c.assessment,
        criterion=c.nodes["2.1"],
        explanation="Bổ sung báo cáo",
    )
    services.supplement_evidence_upload(
        actor=c.staff,
        assessment=c.assessment,
        criterion=c.nodes["2.1"],
        uploaded_files=[SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf")],
    )
    assert Supplement.objects.get().explanation == "Bổ sung báo cáo"
    assert EvidenceLink.objects.filter(criterion=c.nodes["2.1"]).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.EVIDENCE_LINK).count() == 1


def test_supplement_unflagged_item_refused(supplement):
    c = supplement
    with pytest.raises(ValidationError) as refused:
        services.supplement_explanation_set(
            actor=c.staff, assessment=c.assessment, criterion=c.nodes["1.1"], explanation="x"
        )
    assert refused.value.code == "not_flagged"
    with pytest.raises(ValidationError):
        services.supplement_evidence_upload(
            actor=c.staff,
            assessment=c.assessment,
            criterion=c.nodes["1.1"],
            uploaded_files=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
        )
    # The evidence app's own upload is guarded the same way.
    from evidence import services as evidence_services

    with pytest.raises(ValidationError):
        evidence_services.evidence_upload(
            actor=c.staff,
            assessment=c.assessment,
            criterion=c.nodes["1.1"],
            uploaded_file=SimpleUploadedFile("b.pdf", PDF, "application/pdf"),
        )
    with pytest.raises(PermissionDenied):  # not the unit's own
        services.supplement_explanation_set(
            actor=c.other_staff, assessment=c.assessment, criterion=c.nodes["2.1"], explanation="x"
        )
    assert not Supplement.objects.exists() and not EvidenceLink.objects.exists()


def test_supplement_after_window_refused(supplement):
    c = supplement
    c.period.supplement_end = timezone.now() - timedelta(minutes=1)
    c.period.save(update_fields=["supplement_end"])
    c.assessment.period.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.supplement_explanation_set(
            actor=c.staff, assessment=c.assessment, criterion=c.nodes["2.1"], explanation="Muộn"
        )
    assert refused.value.code == "window_closed"
    assert not Supplement.objects.exists()


def test_supplement_request_mailed_to_agency(supplement, django_capture_on_commit_callbacks):
    # The move in the fixture ran inside the test transaction: re-run the notification.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.supplement_requests_notify(supplement.period)
    bodies = [m.body for m in mail.outbox if "chuyen_vien@example.gov.vn" in m.to]
    assert bodies and "2.1" in bodies[0]


# --- team and assignments ------------------------------------------------------------------


def test_assignments_import_reports_bad_rows_and_saves_nothing(cycle):
    text = (
        "field_code,unit_code,appraiser_username\n2,SOTC,tham_dinh_nha\n9,SOTC,x\n1,NOPE,thu_ky\n"
    )
    with pytest.raises(ValidationError) as refused:
        services.assignments_import(actor=cycle.secretariat, period=cycle.period, text=text)
    messages = refused.value.messages
    assert messages[0].startswith("Dòng 3:") and messages[1].startswith("Dòng 4:")
    assert not Assignment.objects.filter(field=cycle.nodes["2"], unit=cycle.other).exists()


def test_assignments_csv_round_trip(cycle):
    from appraisal import selectors

    text = selectors.assignments_csv(period=cycle.period)
    assert text.splitlines()[0] == "field_code,unit_code,appraiser_username"
    Assignment.objects.all().delete()
    assert services.assignments_import(actor=cycle.secretariat, period=cycle.period, text=text) == 3
    assert selectors.assignments_csv(period=cycle.period) == text


def test_assignment_bulk_set_whole_group_and_mail(cycle, django_capture_on_commit_callbacks):
    third = make_unit(cycle.group, code="SOXD")
    from tests.factories import make_assessment

    make_assessment(cycle.period, third)
    make_unit(cycle.group, code="NODOSSIER")
    with django_capture_on_commit_callbacks(execute=True):
        done = services.assignment_bulk_set(
            actor=cycle.secretariat,
            period=cycle.period,
            field=cycle.nodes["2"],
            group=cycle.group,
            appraiser=cycle.away,
        )
    assert sorted(a.unit.code for a in done) == ["SOTC", "SOTP", "SOXD"]
    assert [m.to for m in mail.outbox] == [["tham_dinh_khac@example.gov.vn"]]
    assert "SOXD × 2" in mail.outbox[0].body


def test_team_member_set_checks_fields(cycle):
    member = make_user()
    with pytest.raises(ValidationError):
        services.team_member_set(
            actor=cycle.secretariat,
            period=cycle.period,
            user=member,
            home_unit=cycle.unit,
            expertise=["7"],
        )
    role = services.team_member_set(
        actor=cycle.secretariat,
        period=cycle.period,
        user=member,
        home_unit=cycle.unit,
        expertise=["1"],
    )
    assert role.kind == RoleKind.APPRAISER and role.year == cycle.period.year


# --- reminders -----------------------------------------------------------------------------


def test_deadline_reminders_sent_once(cycle):
    # The working-day reminders are tested in test_notifications; here: once per person.
    at = timezone.make_aware(datetime(2024, 12, 11, 10, 0))  # a Wednesday
    cycle.period.round1_end = timezone.make_aware(datetime(2024, 12, 16, 23, 59))  # Monday
    cycle.period.save(update_fields=["round1_end"])
    assert services.deadline_reminders_send(now=at) == 2  # both appraisers, 3 working days
    assert services.deadline_reminders_send(now=at) == 0  # run it twice: nothing new


def test_audit_records_score_changes(cycle):
    score(cycle, cycle.away, "2.1", {"value": "1"})
    score(cycle, cycle.away, "2.1", {"value": "0,75"}, comment="Một phần")
    entries = list(AuditEntry.objects.filter(action=AuditAction.SCORE))
    assert entries[1].old_value["value"] == "1.00" and entries[1].new_value["value"] == "0.75"
    assert entries[1].reason == "Một phần" and entries[1].stage == Stage.ROUND1


def test_completing_own_home_unit_field_queues_its_values(cycle):
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    move(cycle, Phase.ROUND1)  # 1.1 prefilled from the unit's own score (1.2 unscored)
    services.assignment_complete(
        actor=cycle.home, assignment=cycle.field1_home, reason="1.2 chưa có số liệu"
    )
    check = CrossCheck.objects.get()
    assert check.criterion == cycle.nodes["1.1"] and check.checker == cycle.away
    assert LeafScore.objects.get(
        criterion=cycle.nodes["1.1"], assessment=cycle.assessment, stage=Stage.ROUND1
    ).provisional
    # Another unit's field completed by the same member queues nothing.
    services.assignment_complete(
        actor=cycle.home, assignment=cycle.field1_other, reason="Đơn vị chưa tự chấm"
    )
    assert CrossCheck.objects.count() == 1


def test_round_overview_shows_no_round1_index_before_round1_scores(cycle):
    from appraisal.selectors import round_overview

    before = {row.assessment.id: row for row in round_overview(period=cycle.period)}
    assert before[cycle.assessment.id].self_index is not None
    assert before[cycle.assessment.id].round1_index is None
    set_score(cycle.assessment, cycle.nodes["1.1"], "2", stage=Stage.ROUND1)
    after = {row.assessment.id: row for row in round_overview(period=cycle.period)}
    assert after[cycle.assessment.id].round1_index is not None
    assert after[cycle.other_assessment.id].round1_index is None
