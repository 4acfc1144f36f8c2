"""Guarded phase moves (issue 13, item 2): a move lists its consequences and is made only
when confirmed; the API answers 409 with them and changes nothing; an early move needs a
reason; what happens to units that never submitted is the year's choice, made before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from appraisal import moves, services
from appraisal.models import CrossCheck
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage
from scoring.models import AuditEntry, LeafScore, Period
from tests.factories import make_assessment, make_unit

from .test_services import move, set_phase

URL = "/api/v1/periods/2024/phase/"


@pytest.fixture
def drafting(cycle):
    """Self-assessment, deadline passed; SOTP never submitted, SOTC did; a third unit too."""
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    Period.objects.filter(pk=cycle.period.pk).update(
        self_assessment_deadline=timezone.now() - timedelta(days=1)
    )
    cycle.assessment.status = AssessmentStatus.DRAFT
    cycle.assessment.save(update_fields=["status"])
    cycle.third = make_assessment(cycle.period, make_unit(cycle.group, "SOXD", "Sở Xây dựng"))
    cycle.period.refresh_from_db()
    return cycle


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def kinds(consequences) -> dict:
    return {c.kind: (c.count, c.units) for c in consequences}


# --- the year's choice for units that never submit -----------------------------------------


def test_round1_refused_until_the_unsubmitted_choice_is_made(drafting):
    with pytest.raises(ValidationError) as refused:
        move(drafting, Phase.ROUND1)
    assert "2 đơn vị chưa nộp hồ sơ: hãy chọn cách xử lý" in refused.value.messages[0]
    response = api(drafting.secretariat).post(URL, {"to_phase": "round1", "confirm": True})
    assert response.status_code == 409
    assert "hãy chọn cách xử lý" in response.json()["problems"][0]
    assert Period.objects.get(pk=drafting.period.pk).phase == Phase.SELF_ASSESSMENT


def test_unsubmitted_choice_is_audited_and_closed_once_round1_starts(drafting):
    services.unsubmitted_policy_set(
        actor=drafting.secretariat, period=drafting.period, policy="exclude"
    )
    entry = AuditEntry.objects.get(action=AuditAction.UNSUBMITTED_POLICY)
    assert entry.new_value == {"unsubmitted_policy": "exclude"}
    with pytest.raises(ValidationError) as refused:
        services.unsubmitted_policy_set(
            actor=drafting.secretariat, period=drafting.period, policy="nowhere"
        )
    assert refused.value.code == "invalid_policy"
    move(drafting, Phase.ROUND1)
    drafting.period.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.unsubmitted_policy_set(
            actor=drafting.secretariat, period=drafting.period, policy="appraise"
        )
    assert refused.value.code == "phase"
    assert Period.objects.get(pk=drafting.period.pk).unsubmitted_policy == "exclude"


# --- the 409 contract -----------------------------------------------------------------------


def test_move_with_consequences_answers_409_and_changes_nothing(drafting):
    Period.objects.filter(pk=drafting.period.pk).update(unsubmitted_policy="appraise")
    before = AuditEntry.objects.count()
    response = api(drafting.secretariat).post(URL, {"to_phase": "round1"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert [(c["kind"], c["count"], c["units"]) for c in body["consequences"]] == [
        ("not_submitted", 2, ["SOTP", "SOXD"])
    ]
    assert "xếp hạng, ghi chú “không nộp hồ sơ”" in body["consequences"][0]["text"]
    assert body["problems"] == [] and body["error"]
    assert Period.objects.get(pk=drafting.period.pk).phase == Phase.SELF_ASSESSMENT
    assert not LeafScore.objects.filter(stage=Stage.ROUND1).exists()  # nothing prefilled
    assert AuditEntry.objects.count() == before
    # "confirm": false is the same as no confirmation.
    again = api(drafting.secretariat).post(
        URL, {"to_phase": "round1", "confirm": False}, format="json"
    )
    assert again.status_code == 409


def test_confirmed_move_is_made_and_audited_with_its_consequences(drafting):
    Period.objects.filter(pk=drafting.period.pk).update(unsubmitted_policy="exclude")
    response = api(drafting.secretariat).post(
        URL, {"to_phase": "round1", "confirm": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "round1"
    entry = AuditEntry.objects.get(action=AuditAction.PHASE)
    [consequence] = entry.new_value["consequences"]
    assert (consequence["kind"], consequence["count"]) == ("not_submitted", 2)
    assert "không được xếp hạng" in consequence["text"]


def test_move_without_consequences_needs_no_confirmation(drafting):
    for assessment in (drafting.assessment, drafting.third):
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.save(update_fields=["status"])
    response = api(drafting.secretariat).post(URL, {"to_phase": "round1"}, format="json")
    assert response.status_code == 200
    state = api(drafting.secretariat).get(URL).json()
    assert state["phase"] == "round1"


def test_phase_state_lists_each_moves_consequences(drafting):
    Period.objects.filter(pk=drafting.period.pk).update(unsubmitted_policy="appraise")
    state = api(drafting.secretariat).get(URL).json()
    [to_round1] = state["moves"]
    assert to_round1["allowed"] is True and to_round1["reason_required"] is False
    assert to_round1["consequences"][0]["units"] == ["SOTP", "SOXD"]


def test_refusals_stay_refusals_whatever_confirm_says(drafting):
    response = api(drafting.secretariat).post(
        URL, {"to_phase": "published", "confirm": True}, format="json"
    )
    assert response.status_code == 409
    assert "Không thể chuyển" in response.json()["problems"][0]
    assert response.json()["consequences"] == []


def test_an_early_move_needs_a_reason(drafting):
    """Before the self-assessment deadline of a unit (here its extension) the move out of
    self-assessment is unusual: it says who is still in time and needs a reason."""
    Period.objects.filter(pk=drafting.period.pk).update(
        unsubmitted_policy="appraise",
        self_assessment_deadline=timezone.now() + timedelta(days=2),
    )
    drafting.period.refresh_from_db()
    found = kinds(moves.phase_move_consequences(period=drafting.period, to_phase=Phase.ROUND1))
    assert found["still_in_time"] == (2, ["SOTP", "SOXD"])
    refused = api(drafting.secretariat).post(
        URL, {"to_phase": "round1", "confirm": True}, format="json"
    )
    assert refused.status_code == 409
    assert "cần ghi rõ lý do" in refused.json()["problems"][0]
    assert api(drafting.secretariat).get(URL).json()["moves"][0]["reason_required"] is True
    moved = api(drafting.secretariat).post(
        URL,
        {"to_phase": "round1", "confirm": True, "reason": "Theo chỉ đạo của UBND tỉnh"},
        format="json",
    )
    assert moved.status_code == 200


def test_closing_round1_lists_items_not_done_open_checks_and_units_with_no_score(cycle):
    LeafScore.objects.create(
        assessment=cycle.assessment, criterion=cycle.nodes["1.1"], stage=Stage.ROUND1, value=2
    )
    CrossCheck.objects.create(
        assessment=cycle.assessment,
        criterion=cycle.nodes["1.1"],
        stage=Stage.ROUND1,
        requested_at=timezone.now(),
        checker=cycle.away,
    )
    found = kinds(moves.phase_move_consequences(period=cycle.period, to_phase=Phase.ROUND1_CLOSED))
    assert found["assignments_not_done"] == (3, ["SOTC", "SOTP"])
    assert found["open_cross_checks"] == (1, ["SOTP"])
    assert found["no_score"] == (1, ["SOTC"])
    # The open cross-check still refuses the move (a condition of the table), confirmed or not.
    with pytest.raises(ValidationError) as refused:
        move(cycle, Phase.ROUND1_CLOSED)
    assert "thẩm định chéo chưa kết luận" in refused.value.messages[0]


def test_publishing_lists_objections_and_reopening_the_approvals(cycle):
    set_phase(cycle, Phase.COUNCIL)
    services.council_approve(
        actor=cycle.council, period=cycle.period, decision="objected", comment="Xem lại 2.1"
    )
    cycle.period.refresh_from_db()
    found = kinds(moves.phase_move_consequences(period=cycle.period, to_phase=Phase.PUBLISHED))
    assert found["council_objections"] == (1, [])
    set_phase(cycle, Phase.PUBLISHED)
    cycle.period.refresh_from_db()
    found = kinds(moves.phase_move_consequences(period=cycle.period, to_phase=Phase.ROUND2))
    assert found["approvals_superseded"] == (1, [])


def test_cycle_page_lists_consequences_and_asks_for_confirmation(client, drafting):
    Period.objects.filter(pk=drafting.period.pk).update(unsubmitted_policy="appraise")
    client.force_login(drafting.secretariat)
    page = client.get("/tham-dinh/2024/").content.decode()
    assert 'data-kind="not_submitted"' in page and "(SOTP, SOXD)" in page
    assert 'name="confirm" required' in page
    refused = client.post(
        "/tham-dinh/2024/chuyen-giai-doan/", {"to_phase": "round1"}, follow=True
    ).content.decode()
    assert "hãy xác nhận để tiếp tục" in refused
    assert Period.objects.get(pk=drafting.period.pk).phase == Phase.SELF_ASSESSMENT
    client.post("/tham-dinh/2024/chuyen-giai-doan/", {"to_phase": "round1", "confirm": "on"})
    assert Period.objects.get(pk=drafting.period.pk).phase == Phase.ROUND1


def test_unsubmitted_choice_from_the_cycle_page(client, drafting):
    client.force_login(drafting.secretariat)
    page = client.get("/tham-dinh/2024/").content.decode()
    assert 'id="policy-form"' in page
    client.post("/tham-dinh/2024/khong-nop-ho-so/", {"policy": "exclude"})
    assert Period.objects.get(pk=drafting.period.pk).unsubmitted_policy == "exclude"
    client.force_login(drafting.council)
    assert (
        client.post("/tham-dinh/2024/khong-nop-ho-so/", {"policy": "appraise"}).status_code == 404
    )


# --- the supplement window, dated on the cycle page ------------------------------------------


def test_supplement_window_from_the_cycle_page_uses_the_calendar_service(client, cycle):
    """The same service as the calendar page: a Sunday moves to Monday, said; audited."""
    from datetime import date

    client.force_login(cycle.secretariat)
    Period.objects.filter(pk=cycle.period.pk).update(supplement_start=None, supplement_end=None)
    response = client.post(
        "/tham-dinh/2024/giai-trinh-bo-sung/",
        {"supplement_start": "27/12/2024", "supplement_end": "29/12/2024"},  # 29: a Sunday
        follow=True,
    )
    text = response.content.decode()
    assert "29/12/2024 là Chủ nhật: hạn giải trình bổ sung chuyển sang 30/12/2024." in text
    period = Period.objects.get(pk=cycle.period.pk)
    assert timezone.localtime(period.supplement_end).date() == date(2024, 12, 30)
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR).count() == 1
    assert 'id="supplement-window-dates">Từ 00:00 27/12/2024 đến 23:59 30/12/2024' in text
    # Out of order: nothing saved, the reason said.
    response = client.post(
        "/tham-dinh/2024/giai-trinh-bo-sung/",
        {"supplement_start": "31/12/2024", "supplement_end": "30/12/2024"},
        follow=True,
    )
    assert "không được trước" in response.content.decode()
    assert Period.objects.get(pk=cycle.period.pk).supplement_end == period.supplement_end
