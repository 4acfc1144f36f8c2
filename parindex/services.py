"""Writes of the accounts: API tokens, TOTP enrolment codes and devices. Keyword-only, atomic;
each change leaves an AccountEvent."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccountAction, AccountEvent, ApiToken, EnrolmentCode

# No 0/O, 1/I/L: the code is read out or typed from a note.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def account_event_record(
    *, action: str, user, actor=None, address: str = "", detail: dict | None = None
) -> AccountEvent:
    return AccountEvent.objects.create(
        action=action,
        user=user,
        username=user.get_username(),
        actor=actor if getattr(actor, "pk", None) else None,
        address=address[:64],
        detail=detail or {},
    )


# --- API tokens ----------------------------------------------------------------------------


def api_token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user, address: str = "") -> tuple[ApiToken, str]:
    """A new token for the user, valid API_TOKEN_TTL_HOURS; returns it and its key (shown once)."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        digest=api_token_digest(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    account_event_record(
        action=AccountAction.API_TOKEN_ISSUED,
        user=user,
        actor=user,
        address=address,
        detail={"token": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, address: str = "") -> ApiToken:
    """Revoke a token (its owner, or an administrator); a no-op when already revoked."""
    if not actor.has_perm("parindex.revoke_api_token", token):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    account_event_record(
        action=AccountAction.API_TOKEN_REVOKED,
        user=token.user,
        actor=actor,
        address=address,
        detail={"token": token.prefix},
    )
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Note the token's use, at most once a minute (no write on every request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- TOTP enrolment codes and devices ------------------------------------------------------


def enrolment_code_normalise(text: str) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def _code_shown(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def enrolment_code_issue(
    *, actor, user, hours: int | None = None, address: str = ""
) -> tuple[EnrolmentCode, str]:
    """A one-time enrolment code for the user (earlier open codes are cancelled); returns it
    and the code as shown to the administrator (once: only its hash is kept). `actor` None:
    the issue_enrolment_code command, run on the server."""
    if actor is not None and not actor.has_perm("parindex.issue_enrolment_code", user):
        raise PermissionDenied
    now = timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    hours = hours or settings.TOTP_ENROLMENT_CODE_TTL_HOURS
    record = EnrolmentCode.objects.create(
        user=user,
        code_hash=make_password(code),
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=now + timedelta(hours=hours),
    )
    account_event_record(
        action=AccountAction.ENROLMENT_CODE_ISSUED,
        user=user,
        actor=actor,
        address=address,
        detail={"code_id": record.pk, "expires_at": record.expires_at.isoformat()},
    )
    return record, _code_shown(code)


@transaction.atomic
def enrolment_code_redeem(*, user, code: str, address: str = "") -> EnrolmentCode | None:
    """Use the user's open code (once); None when the code is wrong, used, cancelled or late."""
    wanted = enrolment_code_normalise(code)
    if not wanted:
        return None
    candidates = EnrolmentCode.objects.select_for_update().filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )
    for record in candidates:
        if check_password(wanted, record.code_hash):
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
            account_event_record(
                action=AccountAction.ENROLMENT_CODE_USED,
                user=user,
                actor=user,
                address=address,
                detail={"code_id": record.pk},
            )
            return record
    return None


@transaction.atomic
def totp_device_start(*, user, fresh: bool = False) -> TOTPDevice:
    """The user's unconfirmed TOTP device (created once, so the shown key stays the same);
    `fresh`: a new key, discarding any unconfirmed one shown before."""
    unconfirmed = TOTPDevice.objects.filter(user=user, confirmed=False)
    if fresh:
        unconfirmed.delete()
    device = None if fresh else unconfirmed.first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=False)


@transaction.atomic
def totp_device_confirm(
    *, user, token: str, device_id: int | None = None, address: str = ""
) -> TOTPDevice | None:
    """Confirm the pending device (that one, when device_id is given) with a code from the app;
    None when the code is wrong."""
    pending = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
    if device_id is not None:
        pending = pending.filter(pk=device_id)
    device = pending.first()
    if device is None or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    account_event_record(
        action=AccountAction.TOTP_ENROLLED,
        user=user,
        actor=user,
        address=address,
        detail={"device_id": device.pk},
    )
    return device
