"""Throttling: the client's address behind our proxies, growing delays, hourly quotas.

State lives in the cache (CACHES: per-process memory by default, Redis in production via
DJANGO_CACHE_URL, so that every web process sees the same counters).

Sign-in (`signin_*`) counts failures under three keys, each with an exponential back-off
(after `free` failures, the Nth failure makes the next attempt under that key wait
2^(N - free) seconds, at most LOGIN_THROTTLE_MAX_DELAY) instead of a lock:

- the (account, address) pair: one attacker guessing one account;
- the address, over all accounts (LOGIN_THROTTLE_ADDRESS_FAILURES free): password spraying;
- the account, over all addresses: a distributed guess at one account. This key only slows
  addresses that have failed before (any account, within LOGIN_THROTTLE_WINDOW): an address
  that has never failed is not held back by it, so a stranger hammering a named account from
  elsewhere cannot keep its owner out, while every guessing address is held back after its
  first wrong guess.

Refused attempts are not counted (they tried no password). A success takes back only its own
pair's failures (from the pair, the address and the account): the owner's typing mistakes are
forgiven, while an attacker who signs in to an account of their own resets nothing else.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

# --- the client's address ------------------------------------------------------------------


def _normalised(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        # One IPv6 subscriber holds a whole /64: count the network, not each address in it.
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_address(request) -> str:
    """The address of the client, as seen by the first of our TRUSTED_PROXY_COUNT proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    n trusted proxies the client is the n-th entry from the right; anything further left was
    sent by the client itself and proves nothing. Without trusted proxies: REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if hops:
            found = _normalised(hops[-count] if len(hops) >= count else hops[0])
            if found:
                return found
    return _normalised(remote) or "-"


# --- growing delays ------------------------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Backoff:
    """Failures under one key; past `free` of them, each failure doubles the wait."""

    kind: str
    value: str
    free: int

    @property
    def _count_key(self) -> str:
        return f"throttle:{self.kind}:{_digest(self.value)}"

    @property
    def _time_key(self) -> str:
        return self._count_key + ":last"

    def failures(self) -> int:
        return int(cache.get(self._count_key, 0))

    def retry_at(self, now: float) -> float | None:
        """When the next attempt may be made, or None when it may be made now."""
        state = cache.get_many([self._count_key, self._time_key])
        count, last = int(state.get(self._count_key, 0)), state.get(self._time_key)
        if count < self.free or last is None:
            return None
        delay = min(2 ** min(count - self.free, 40), settings.LOGIN_THROTTLE_MAX_DELAY)
        at = float(last) + delay
        return at if at > now else None

    def record(self, now: float) -> int:
        window = max(settings.LOGIN_THROTTLE_WINDOW, settings.LOGIN_THROTTLE_MAX_DELAY)
        cache.add(self._count_key, 0, timeout=window)
        try:
            count = cache.incr(self._count_key)
        except ValueError:  # expired between add and incr
            cache.set(self._count_key, 1, timeout=window)
            count = 1
        cache.set(self._time_key, now, timeout=window)
        cache.touch(self._count_key, timeout=window)  # forgotten a window after the last one
        return count

    def clear(self) -> None:
        cache.delete_many([self._count_key, self._time_key])

    def forget(self, count: int) -> None:
        """Take back `count` failures (never below zero)."""
        if count <= 0:
            return
        try:
            if cache.decr(self._count_key, count) < 0:
                cache.set(self._count_key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW)
        except ValueError:  # nothing counted any more
            pass


def _signin_keys(username: str, address: str) -> tuple[Backoff, Backoff, Backoff]:
    account = username.strip().lower()
    return (
        Backoff("pair", f"{account}|{address}", settings.LOGIN_THROTTLE_FAILURES),
        Backoff("address", address, settings.LOGIN_THROTTLE_ADDRESS_FAILURES),
        Backoff("account", account, settings.LOGIN_THROTTLE_FAILURES),
    )


def signin_retry_at(*, username: str, address: str, now: float | None = None) -> float | None:
    """When this address may next try this account's password (or code); None: now."""
    now = time.time() if now is None else now
    pair, by_address, by_account = _signin_keys(username, address)
    keys = [pair, by_address]
    if by_address.failures() > 0:  # an address that never failed is not slowed by the account
        keys.append(by_account)
    waits = [at for at in (key.retry_at(now) for key in keys) if at is not None]
    return max(waits) if waits else None


def signin_failure_record(*, username: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key in _signin_keys(username, address):
        key.record(now)


def signin_success_record(*, username: str, address: str) -> None:
    """The password (or code) was right: this pair's failures were the owner's typing, so they
    are taken back from the address and the account too; other addresses' failures stay."""
    pair, by_address, by_account = _signin_keys(username, address)
    own = pair.failures()
    pair.clear()
    by_address.forget(own)
    by_account.forget(own)


# --- hourly quotas ---------------------------------------------------------------------------


def quota_take(*, kind: str, user_id: int, limit: int, now: float | None = None) -> float | None:
    """Take one of the user's `limit` uses of this clock hour; None when granted, else the time
    (epoch seconds) the next hour starts."""
    now = time.time() if now is None else now
    hour = int(now // 3600)
    key = f"quota:{kind}:{user_id}:{hour}"
    cache.add(key, 0, timeout=3600 + 60)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600 + 60)
        used = 1
    return None if used <= limit else float((hour + 1) * 3600)


# --- messages ------------------------------------------------------------------------------


def retry_after_seconds(at: float, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return max(1, math.ceil(at - now))


def retry_when(at: float, now: float | None = None) -> str:
    """ "12 giây (lúc 10:21:05)": how long to wait and the clock time, in the user's time zone."""
    seconds = retry_after_seconds(at, now)
    wait = (
        _("%(n)s giây") % {"n": seconds}
        if seconds < 60
        else _("%(n)s phút") % {"n": math.ceil(seconds / 60)}
    )
    clock = timezone.localtime(datetime.fromtimestamp(at, tz=UTC))
    return _("%(wait)s (lúc %(time)s)") % {"wait": wait, "time": clock.strftime("%H:%M:%S")}
