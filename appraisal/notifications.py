"""Notifications: the one service that tells people something.

`notify` writes one in-portal row per recipient (the bell in the header, the list at
/thong-bao/) inside the caller's transaction — a rolled-back change tells no one — and
queues the e-mails for after the commit (a Celery task given the rows' ids). The task sends
each row's e-mail once: it marks the row under a lock, so running it twice sends nothing new.
An event notified twice (the same key) reaches nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import Period

from .models import Notification


def notify(
    *,
    kind: str,
    key: str,
    user_ids: Iterable[int],
    title: str,
    text: str,
    link: str = "",
    period: Period | None = None,
) -> int:
    """Tell each user once per key, in the portal and by e-mail; returns how many were new."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    known = set(
        Notification.objects.filter(key=key, recipient_id__in=ids).values_list(
            "recipient_id", flat=True
        )
    )
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                period=period,
                kind=kind,
                key=key[:200],
                title=title[:255],
                text=text,
                link=link,
                created_at=now,
            )
            for user_id in ids
            if user_id not in known
        ],
        ignore_conflicts=True,  # the same event notified at the same moment elsewhere
    )
    fresh = list(
        Notification.objects.filter(
            key=key[:200], recipient_id__in=ids, emailed_at__isnull=True
        ).values_list("id", flat=True)
    )
    if fresh:
        from .tasks import notification_emails_send  # tasks import this module (Celery's pair)

        transaction.on_commit(lambda: notification_emails_send.delay(fresh))
    return len(set(ids) - known)


def _absolute(link: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def notification_emails_send(*, ids: Iterable[int]) -> int:
    """E-mail each row not yet e-mailed (to recipients with an address); returns how many.

    Each row is locked, sent and marked in its own transaction: a failure leaves it
    unmarked for the task's retry, and a second run finds nothing left to send.
    """
    sent = 0
    for pk in sorted(set(ids)):
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("recipient", "period")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if row is None or not row.recipient.email:
                continue
            subject = row.title
            if row.period is not None:
                subject = _("[Chỉ số CCHC %(year)s] %(text)s") % {
                    "year": row.period.year,
                    "text": row.title,
                }
            body = row.text
            if row.link:
                body += "\n\n" + _absolute(row.link)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [row.recipient.email])
            row.emailed_at = timezone.now()
            row.save(update_fields=["emailed_at"])
        sent += 1
    return sent


# --- the reader's side ---------------------------------------------------------------------


def unread_count(*, actor) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()


def notification_list(*, actor):
    """The actor's own notifications, newest first (a queryset to paginate)."""
    return Notification.objects.filter(recipient_id=actor.pk).select_related("period")


def notification_get(*, actor, notification_id: int) -> Notification:
    """One of the actor's notifications; anyone else's is the same 404 as a missing one."""
    row = Notification.objects.filter(pk=notification_id).first()
    if row is None or not actor.has_perm("appraisal.view_notification", row):
        raise Http404
    return row


def notification_mark_read(*, actor, notification: Notification) -> None:
    """Mark one's own notification read (once; reading is not an audited change)."""
    if notification.recipient_id != actor.pk:
        raise Http404
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
