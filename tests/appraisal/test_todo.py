"""What to do now on each role's home page: from the phase and the person's pending items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.todo import next_actions
from scoring import calendar
from scoring.enums import AssessmentStatus, Phase
from tests.factories import RoleKind, make_user

from .test_services import move, score, set_phase


def texts(user, period) -> list[str]:
    return [a.text for a in next_actions(actor=user, period=period)]


def deadline_in(working_days: int):
    return calendar.day_end(calendar.add_working_days(timezone.localdate(), working_days))


@pytest.fixture
def drafting(cycle):
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    cycle.assessment.status = AssessmentStatus.DRAFT
    cycle.assessment.save(update_fields=["status"])
    cycle.period.self_assessment_deadline = deadline_in(3)
    cycle.period.save(update_fields=["self_assessment_deadline"])
    return cycle


def test_agency_drafting_sees_what_is_missing_and_the_deadline(drafting):
    [staff] = next_actions(actor=drafting.staff, period=drafting.period)
    assert staff.text.startswith("Sở Tư pháp: còn ")
    assert "còn 3 ngày làm việc" in staff.text and not staff.urgent
    assert staff.link == reverse("workspace", args=[drafting.assessment.id])
    head = next_actions(actor=drafting.head, period=drafting.period)
    assert head[-1].text.startswith("Sở Tư pháp: nộp hồ sơ tự đánh giá")
    assert head[-1].link == reverse("assessment_submit", args=[drafting.assessment.id])


def test_agency_close_deadline_is_urgent_and_submitted_waits(drafting):
    drafting.period.self_assessment_deadline = deadline_in(1)
    drafting.period.save(update_fields=["self_assessment_deadline"])
    assert all(a.urgent for a in next_actions(actor=drafting.head, period=drafting.period))
    # The other unit has submitted: nothing to do but wait.
    [other] = texts(drafting.other_staff, drafting.period)
    assert other == "Sở Tài chính: hồ sơ đã nộp; chờ thẩm định."


def test_agency_supplement_items_and_window(cycle):
    score(cycle, cycle.away, "2.1", {"value": "0,5"}, comment="Thiếu", supplement_requested=True)
    move(cycle, "round1_closed")
    move(cycle, Phase.SUPPLEMENT)
    cycle.period.refresh_from_db()
    [action] = next_actions(actor=cycle.staff, period=cycle.period)
    assert action.text.startswith("Sở Tư pháp: giải trình bổ sung 1 tiêu chí (đã giải trình 0)")
    assert action.link == reverse("appraisal_agency", args=[cycle.assessment.id])
    assert texts(cycle.other_staff, cycle.period) == [
        "Sở Tài chính: không có tiêu chí phải giải trình bổ sung."
    ]
    cycle.period.supplement_start = timezone.now() + timedelta(days=1)
    cycle.period.save(update_fields=["supplement_start"])
    assert "mở từ" in texts(cycle.staff, cycle.period)[0]


def test_appraiser_pending_items_and_cross_checks(cycle):
    cycle.period.round1_end = deadline_in(3)
    cycle.period.save(update_fields=["round1_end"])
    score(cycle, cycle.home, "1.1", {"answer": True})  # a cross-check for "away"
    assert texts(cycle.away, cycle.period) == [
        "Thẩm định 1 mục (đơn vị × lĩnh vực) được phân công (hạn "
        + timezone.localtime(cycle.period.round1_end).strftime("%H:%M %d/%m/%Y")
        + ", còn 3 ngày làm việc)",
        "Kết luận 1 mục thẩm định chéo được giao",
    ]
    assert texts(cycle.home, cycle.period)[0].startswith("Thẩm định 2 mục")


def test_appraiser_before_round1_sees_the_start(drafting):
    drafting.period.round1_start = calendar.day_start(timezone.localdate() + timedelta(days=9))
    drafting.period.save(update_fields=["round1_start"])
    [action] = texts(drafting.home, drafting.period)
    assert action.startswith("Bạn được phân công 2 mục (đơn vị × lĩnh vực) cho “Thẩm định lần 1”")


def test_secretariat_counts_calendar_and_next_move(drafting):
    actions = texts(drafting.secretariat, drafting.period)
    assert actions[0].startswith("Đặt lịch năm: còn thiếu")
    assert actions[1].startswith("1/2 đơn vị đã nộp hồ sơ tự đánh giá (hạn ")
    assert actions[2].startswith("Sau hạn ") and actions[2].endswith("“Thẩm định lần 1”")


def test_secretariat_sees_what_blocks_closing_round1(cycle):
    score(cycle, cycle.home, "1.1", {"answer": True})
    actions = texts(cycle.secretariat, cycle.period)
    assert "3 mục phân công chưa thẩm định xong trong vòng này" in actions
    blocker = [a for a in actions if a.startswith("Trước khi chuyển sang")]
    assert blocker == [
        "Trước khi chuyển sang “Kết thúc thẩm định lần 1”: "
        "Còn 1 mục thẩm định chéo chưa kết luận: SOTP 1.1."
    ]


def test_council_approves_in_its_phase(cycle):
    set_phase(cycle, Phase.COUNCIL)
    [action] = next_actions(actor=cycle.council, period=cycle.period)
    assert action.text == "Xem kết quả và cho ý kiến (thông qua hoặc không) năm 2024"
    assert action.link == "/tham-dinh/2024/hoi-dong/"
    from appraisal import services

    services.council_approve(actor=cycle.council, period=cycle.period)
    assert texts(cycle.council, cycle.period)[0].startswith("Bạn đã thông qua kết quả lúc")
    services.council_approve(
        actor=cycle.council, period=cycle.period, decision="objected", comment="Xem lại 2.1"
    )
    assert texts(cycle.council, cycle.period)[0].startswith("Bạn đã cho ý kiến không thông qua lúc")


def test_leadership_follows_progress(drafting):
    leader = make_user(RoleKind.LEADERSHIP)
    [action] = next_actions(actor=leader, period=drafting.period)
    assert action.text == "Theo dõi tiến độ năm 2024 (Tự đánh giá): 1/2 đơn vị đã nộp hồ sơ"
    assert action.link == reverse("reports:dashboard")


def test_home_page_shows_what_to_do_now(client, drafting):
    client.force_login(drafting.staff)
    page = client.get(reverse("home")).content.decode()
    assert 'id="next-actions"' in page and "Việc cần làm ngay" in page
    assert "Sở Tư pháp: còn " in page
    client.force_login(make_user())  # no role: no card
    assert 'id="next-actions"' not in client.get(reverse("home")).content.decode()
