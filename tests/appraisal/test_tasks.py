from django.conf import settings
from django.core import mail
from django.utils import timezone

from appraisal import tasks
from appraisal.enums import NotificationKind
from appraisal.models import Notification
from appraisal.notifications import notify
from scoring import calendar


def test_deadline_reminders_task_twice_same_state(cycle, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    cycle.period.round1_end = calendar.day_end(calendar.add_working_days(today, 1))
    cycle.period.save(update_fields=["round1_end"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deadline_reminders_send.delay().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deadline_reminders_send.delay().get() == 0
    assert Notification.objects.filter(kind=NotificationKind.DEADLINE).count() == 2
    assert len(mail.outbox) == 2 and "Nhắc hạn" in mail.outbox[0].subject


def test_notification_emails_task_twice_sends_once(cycle):
    notify(
        kind=NotificationKind.PHASE,
        key="test:twice",
        user_ids=[cycle.home.pk, cycle.away.pk, cycle.head.pk],  # the head has no address
        title="Chuyển giai đoạn",
        text="Kỳ đánh giá chuyển giai đoạn.",
        link="/tham-dinh/2024/",
        period=cycle.period,
    )
    ids = list(Notification.objects.values_list("id", flat=True))
    assert tasks.notification_emails_send.delay(ids).get() == 2
    assert tasks.notification_emails_send.delay(ids).get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "tham_dinh_khac@example.gov.vn",
        "tham_dinh_nha@example.gov.vn",
    ]
    message = mail.outbox[0]
    assert message.subject == "[Chỉ số CCHC 2024] Chuyển giai đoạn"
    assert message.body.endswith("http://127.0.0.1:8000/tham-dinh/2024/")
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_beat_schedule_lists_reminders():
    entry = settings.CELERY_BEAT_SCHEDULE["appraisal-deadline-reminders"]
    assert entry["task"] == tasks.deadline_reminders_send.name
