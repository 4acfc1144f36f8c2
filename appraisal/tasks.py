"""Celery tasks of the appraisal: no logic, one service call each."""

from celery import shared_task

from . import notifications, services


@shared_task(acks_late=True)
def deadline_reminders_send() -> int:
    """Reminders 3 working days and 1 before each deadline; each once (safe to run twice)."""
    return services.deadline_reminders_send()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and connection errors (smtplib's are OSErrors)
    retry_backoff=True,
    max_retries=5,
)
def notification_emails_send(notification_ids: list[int]) -> int:
    """The e-mails of these notifications, each sent once (safe to run twice)."""
    return notifications.notification_emails_send(ids=notification_ids)
