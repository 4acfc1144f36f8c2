"""Notifications per event: who is told, with which link, in the portal and by e-mail after
the commit; deadlines reminded 3 and 1 working days ahead; the bell and the list."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal import notifications, services
from appraisal.enums import CrossCheckDecision, NotificationKind
from appraisal.models import Assignment, CrossCheck, Notification
from scoring.enums import AssessmentStatus, DayKind, Phase
from scoring.models import CalendarDay
from tests.factories import RoleKind, make_user

from .test_services import move, score, set_phase


def told(kind, user) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, recipient=user))


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# --- events --------------------------------------------------------------------------------


def test_supplement_request_names_items_and_window(cycle, django_capture_on_commit_callbacks):
    score(cycle, cycle.away, "2.1", {"value": "0,5"}, comment="Thiếu", supplement_requested=True)
    move(cycle, Phase.ROUND1_CLOSED)
    cycle.period.supplement_start = local(2024, 12, 27, 0, 0)
    cycle.period.supplement_end = local(2024, 12, 30, 23, 59)
    cycle.period.save(update_fields=["supplement_start", "supplement_end"])
    with django_capture_on_commit_callbacks(execute=True):
        move(cycle, Phase.SUPPLEMENT)
    [note] = told(NotificationKind.SUPPLEMENT, cycle.staff)
    assert note.text == (
        "Tổ giúp việc đề nghị đơn vị giải trình, bổ sung tài liệu cho 1 tiêu chí: 2.1. "
        "Thời gian giải trình bổ sung: từ 00:00 27/12/2024 đến 23:59 30/12/2024."
    )
    assert note.link == reverse("appraisal_agency", args=[cycle.assessment.id])
    assert told(NotificationKind.SUPPLEMENT, cycle.head)  # the head too
    assert not told(NotificationKind.SUPPLEMENT, cycle.other_staff)  # nothing flagged there
    mails = [m for m in mail.outbox if m.to == ["chuyen_vien@example.gov.vn"]]
    assert any("Yêu cầu giải trình bổ sung" in m.subject and "2.1" in m.body for m in mails)


def test_cross_check_given_to_me(cycle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        score(cycle, cycle.home, "1.1", {"answer": True})  # home scores its own unit
    check = CrossCheck.objects.get()
    [note] = told(NotificationKind.CROSS_CHECK, cycle.away)
    assert note.link == reverse("appraisal_cross_check", args=[check.id])
    assert note.title == "Thẩm định chéo: Sở Tư pháp — 1.1"
    assert [m.to for m in mail.outbox] == [["tham_dinh_khac@example.gov.vn"]]
    # A re-save while the check waits tells no one again; a reopened check does.
    score(
        cycle, cycle.home, "1.1", {"answer": False}, comment="Chưa có kế hoạch", expected_version=1
    )
    assert len(told(NotificationKind.CROSS_CHECK, cycle.away)) == 1
    services.cross_check_decide(
        actor=cycle.away, cross_check=check, decision=CrossCheckDecision.CONFIRMED
    )
    score(cycle, cycle.home, "1.1", {"answer": True}, expected_version=3)
    assert len(told(NotificationKind.CROSS_CHECK, cycle.away)) == 2
    assert not told(NotificationKind.CROSS_CHECK, cycle.home)


def test_cross_check_assigned_by_the_secretariat(cycle):
    score(cycle, cycle.home, "1.1", {"answer": True})
    third = make_user(RoleKind.APPRAISER, cycle.other, year=cycle.period.year)
    services.cross_check_assign(
        actor=cycle.secretariat, cross_check=CrossCheck.objects.get(), checker=third
    )
    assert len(told(NotificationKind.CROSS_CHECK, third)) == 1


def test_phase_change_each_role_with_its_link(cycle, django_capture_on_commit_callbacks):
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    with django_capture_on_commit_callbacks(execute=True):
        move(cycle, Phase.ROUND1)
    year = cycle.period.year
    assert told(NotificationKind.PHASE, cycle.secretariat)[0].link == f"/tham-dinh/{year}/"
    assert told(NotificationKind.PHASE, cycle.away)[0].link == f"/tham-dinh/{year}/hang-doi/"
    staff_note = told(NotificationKind.PHASE, cycle.staff)[0]
    assert staff_note.link == "/" and staff_note.title == "Chuyển giai đoạn: Thẩm định lần 1"
    assert staff_note.text == "Kỳ đánh giá năm 2024 chuyển từ “Tự đánh giá” sang “Thẩm định lần 1”."
    assert told(NotificationKind.PHASE, cycle.other_staff)
    assert any("Chuyển giai đoạn" in m.subject for m in mail.outbox)


def test_refused_move_tells_no_one(cycle):
    score(cycle, cycle.home, "1.1", {"answer": True})  # an open cross-check blocks the close
    with pytest.raises(ValidationError):
        move(cycle, Phase.ROUND1_CLOSED)
    assert not Notification.objects.filter(kind=NotificationKind.PHASE).exists()


def test_rolled_back_change_sends_no_mail(cycle, django_capture_on_commit_callbacks):
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            move(cycle, Phase.ROUND1)
            transaction.set_rollback(True)
    assert not Notification.objects.exists() and mail.outbox == []


def test_results_published(cycle, django_capture_on_commit_callbacks):
    set_phase(cycle, Phase.COUNCIL)
    leader = make_user(RoleKind.LEADERSHIP)
    services.council_approve(actor=cycle.council, period=cycle.period)
    services.decision_record(
        actor=cycle.secretariat,
        period=cycle.period,
        number="123/QĐ-UBND",
        date=date(2025, 1, 21),
        signer="Chủ tịch UBND tỉnh",
    )
    with django_capture_on_commit_callbacks(execute=True):
        move(cycle, Phase.PUBLISHED)
    [note] = told(NotificationKind.RESULTS, cycle.staff)
    assert note.link == reverse("reports:scorecard", args=[2024, "SOTP"])
    assert note.text == (
        "Kết quả Chỉ số CCHC năm 2024 đã được công bố. Quyết định số 123/QĐ-UBND ngày 21/01/2025."
    )
    assert told(NotificationKind.RESULTS, cycle.other_staff)[0].link.endswith("/SOTC/")
    assert told(NotificationKind.RESULTS, leader)[0].link == reverse("ranking_year", args=[2024])
    assert told(NotificationKind.RESULTS, cycle.away)
    assert not Notification.objects.filter(kind=NotificationKind.PHASE).exists()


def test_assignment_notified(cycle):
    Assignment.objects.filter(unit=cycle.other, field__code="1").delete()
    services.assignment_set(
        actor=cycle.secretariat,
        period=cycle.period,
        field=cycle.nodes["1"],
        unit=cycle.other,
        appraiser=cycle.away,
    )
    [note] = told(NotificationKind.ASSIGNMENT, cycle.away)
    assert "SOTC × 1" in note.text and note.link.endswith("/hang-doi/")


def test_notify_same_key_twice_tells_once(cycle):
    for _ in range(2):
        notifications.notify(
            kind=NotificationKind.PHASE, key="k", user_ids=[cycle.staff.pk], title="t", text="x"
        )
    assert Notification.objects.count() == 1


# --- deadlines in working days --------------------------------------------------------------


@pytest.fixture
def round1_deadline(cycle):
    # Round 1 ends on Monday 16/12/2024: Friday is one working day before, Wednesday three.
    cycle.period.round1_end = local(2024, 12, 16, 23, 59, 59)
    cycle.period.save(update_fields=["round1_end"])
    return cycle


@pytest.mark.parametrize(
    "day, expected",
    [
        ((2024, 12, 10), None),  # Tuesday: four working days left
        ((2024, 12, 11), 3),  # Wednesday: Thu, Fri, Mon
        ((2024, 12, 12), 3),  # Thursday: two left, still the "3" reminder
        ((2024, 12, 13), 1),  # Friday: three calendar days, one working day
        ((2024, 12, 14), 1),  # Saturday
        ((2024, 12, 16), 1),  # the last day itself
        ((2024, 12, 17), None),  # past
    ],
)
def test_deadline_reminder_by_working_days(round1_deadline, day, expected):
    count = services.deadline_reminders_send(now=local(*day, 10, 0))
    notes = Notification.objects.filter(kind=NotificationKind.DEADLINE)
    if expected is None:
        assert count == 0 and not notes.exists()
        return
    assert count == 2
    assert {n.key for n in notes} == {f"reminder:2024:round1_end:2024-12-16:{expected}"}
    assert all(n.link == "/tham-dinh/2024/hang-doi/" for n in notes)


def test_deadline_reminders_3_then_1_each_once(round1_deadline):
    for day in [(2024, 12, 11), (2024, 12, 12), (2024, 12, 13), (2024, 12, 14), (2024, 12, 16)]:
        services.deadline_reminders_send(now=local(*day, 10, 0))
    texts = sorted(
        Notification.objects.filter(recipient=round1_deadline.away).values_list("text", flat=True)
    )
    assert texts == [
        "Còn 1 ngày làm việc đến kết thúc thẩm định lần 1: 23:59 16/12/2024.",
        "Còn 3 ngày làm việc đến kết thúc thẩm định lần 1: 23:59 16/12/2024.",
    ]


def test_deadline_reminder_counts_the_province_days_off(round1_deadline):
    CalendarDay.objects.create(date=date(2024, 12, 12), kind=DayKind.OFF, reason="Lễ tỉnh")
    # With Thursday off, Tuesday has three working days left (Wed, Fri, Mon).
    assert services.deadline_reminders_send(now=local(2024, 12, 10, 10, 0)) == 2


def test_moved_deadline_reminded_again(round1_deadline):
    services.deadline_reminders_send(now=local(2024, 12, 13, 10, 0))
    cycle = round1_deadline
    cycle.period.round1_end = local(2024, 12, 17, 23, 59, 59)
    cycle.period.save(update_fields=["round1_end"])
    assert services.deadline_reminders_send(now=local(2024, 12, 13, 11, 0)) == 2  # "3" now


def test_self_assessment_reminder_only_to_units_still_drafting(cycle):
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    cycle.assessment.status = AssessmentStatus.DRAFT
    cycle.assessment.save(update_fields=["status"])
    cycle.period.self_assessment_deadline = local(2024, 12, 16, 23, 59, 59)
    cycle.period.save(update_fields=["self_assessment_deadline"])
    services.deadline_reminders_send(now=local(2024, 12, 13, 9, 0))
    [note] = told(NotificationKind.DEADLINE, cycle.staff)
    assert note.link == reverse("workspace", args=[cycle.assessment.id])
    assert note.text == "Còn 1 ngày làm việc đến hạn nộp hồ sơ tự đánh giá: 23:59 16/12/2024."
    assert not told(NotificationKind.DEADLINE, cycle.other_staff)  # SOTC has submitted
    services.deadline_reminders_send(now=local(2024, 12, 16, 9, 0))
    assert len(told(NotificationKind.DEADLINE, cycle.staff)) == 1


# --- the bell and the list -----------------------------------------------------------------


def _notes(user, n):
    for i in range(n):
        notifications.notify(
            kind=NotificationKind.PHASE,
            key=f"view:{i}",
            user_ids=[user.pk],
            title=f"Thông báo {i}",
            text="Nội dung",
            link=reverse("appraisal_queue", args=[2024]),
        )


def test_bell_counts_unread_and_list_marks_read(client, cycle):
    _notes(cycle.away, 3)
    client.force_login(cycle.away)
    home = client.get(reverse("home")).content.decode()
    assert 'id="bell"' in home and '<span class="bell-count">3<' in home
    page = client.get(reverse("notifications")).content.decode()
    assert page.count('class="notification unread"') == 3
    first = Notification.objects.filter(recipient=cycle.away).last()
    opened = client.get(reverse("notification_open", args=[first.id]))
    assert opened.status_code == 302 and opened["Location"] == "/tham-dinh/2024/hang-doi/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert '<span class="bell-count">2<' in client.get(reverse("home")).content.decode()
    client.post(reverse("notifications"))
    assert 'class="bell-count"' not in client.get(reverse("home")).content.decode()


def test_someone_elses_notification_is_not_found(client, cycle):
    _notes(cycle.staff, 1)
    note = Notification.objects.get()
    client.force_login(cycle.other_staff)
    assert client.get(reverse("notification_open", args=[note.id])).status_code == 404
    assert client.post(reverse("notification_open", args=[note.id])).status_code == 404
    assert "Thông báo 0" not in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications"))
    note.refresh_from_db()
    assert note.read_at is None


def test_list_needs_sign_in(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_constant(client, cycle, n, django_assert_num_queries):
    def queries(user) -> int:
        client.force_login(user)
        url = reverse("notifications")
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _notes(cycle.home, 1)
    one = queries(cycle.home)
    _notes(cycle.away, n)
    client.force_login(cycle.away)
    client.get(reverse("notifications"))
    with django_assert_num_queries(one):
        client.get(reverse("notifications"))


def test_phase_move_mail_on_the_console_backend(
    cycle, settings, capsys, django_capture_on_commit_callbacks
):
    # The embedded configuration (and the demo): e-mails printed by the console backend.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    with django_capture_on_commit_callbacks(execute=True):
        move(cycle, Phase.ROUND1)
    out = capsys.readouterr().out
    assert "To: chuyen_vien@example.gov.vn" in out
    assert "http://127.0.0.1:8000/" in out
