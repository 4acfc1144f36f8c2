from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone

from appraisal import tasks


def test_deadline_reminders_task_twice_same_state(cycle):
    cycle.period.round1_end = timezone.now() + timedelta(hours=20)
    cycle.period.save(update_fields=["round1_end"])
    assert tasks.deadline_reminders_send.delay().get() == 2
    assert tasks.deadline_reminders_send.delay().get() == 0
    assert len(mail.outbox) == 2 and "Nhắc hạn" in mail.outbox[0].subject


def test_beat_schedule_lists_reminders():
    entry = settings.CELERY_BEAT_SCHEDULE["appraisal-deadline-reminders"]
    assert entry["task"] == tasks.deadline_reminders_send.name
