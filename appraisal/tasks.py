"""Celery tasks of the appraisal: no logic, one service call each."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deadline_reminders_send() -> int:
    """Reminders 3 days and 1 day before each deadline; each sent once (safe to run twice)."""
    return services.deadline_reminders_send()
