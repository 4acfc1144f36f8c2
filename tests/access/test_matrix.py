"""The generated access test: every URL and API endpoint × 15 roles × the 8 phases × read
and write, against the one declared table (tests/access/expectations.py).

Both directions are asserted: what the table allows must succeed (and a write must leave
an audit row), what it denies must be refused — a role that may not see the object gets
exactly what a missing object gets (404), or the method's 405, or, signed out, the sign-in
page. No request may answer 5xx, and no denied request may write an audit row. A URL name
without a row fails, and so does an API method without one.

The world of each phase is built once (tests/access/world.py); every request runs in a
savepoint that is rolled back, so each sees the same state. The figures (requests,
allowed checked, refused checked) are printed and summed at the end.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scoring.models import AuditEntry

from . import world as w
from .expectations import ADMIN_OPEN, EVERYONE, ROWS, Req, allowed

FIGURES: Counter = Counter()
LOGIN_PATHS = ("/dang-nhap/", "/admin/login/")
REFUSED = {401, 403, 404, 405}
API_METHODS = {"get", "post", "put", "patch", "delete"}


def url_patterns() -> dict[str, URLPattern]:
    """Every named URL (namespaces included), by name."""

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", entry

    seen: dict[str, URLPattern] = {}
    for name, entry in walk(get_resolver().url_patterns):
        seen.setdefault(name, entry)
    return seen


def _kwarg_names(entry: URLPattern) -> list[str]:
    return list(entry.pattern.regex.groupindex)


def _api_methods(entry: URLPattern) -> set[str]:
    """The methods a DRF endpoint answers (none for a plain Django view)."""
    view_class = getattr(entry.callback, "cls", None)
    if view_class is None:
        return set()
    actions = getattr(entry.callback, "actions", None)
    if actions:  # DRF adds HEAD for GET on the first request: not a method of its own
        return set(actions) & API_METHODS
    return {m for m in API_METHODS if hasattr(view_class, m)}


def kwargs_for(world: w.World, row, entry: URLPattern) -> dict:
    check = world.cross_check
    values = {
        "year": w.YEAR,
        "assessment_id": world.own.pk,
        "id": check.pk if row.name == "api_cross_check_decision" and check else world.own.pk,
        "criterion_id": world.nodes["1.1"].pk,
        "field_code": "1",
        "file_id": world.evidence_file.pk,
        "unit_code": "A01",
        "file_format": "xlsx",
        "key": "matrix",
        "criterion_code": "1.1",
        "stage": world.open_stage,
        "cross_check_id": check.pk if check else w.MISSING_ID,
        "assignment_id": world.assignments[("A01", "1")].pk,
        "notification_id": world.notification.pk,
    }
    if row.name == "api_cross_check_decision" and check is None:
        values["id"] = w.MISSING_ID
    out = {}
    for name in _kwarg_names(entry):
        if name in row.kwargs:
            value = row.kwargs[name]
            out[name] = value(world) if callable(value) else value
        elif name == "pk":
            out[name] = world.report_file.pk if row.name.startswith("reports:") else world.own.pk
        elif name == "code":
            out[name] = world.group.code if "group" in row.name else "A01"
        else:
            out[name] = values[name]
    return out


# --- what an answer is -------------------------------------------------------------------


def to_sign_in(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    path = response["Location"].split("?")[0]
    # The admin sends a non-staff account from its sign-out to its index, which asks to sign in.
    return path.startswith(LOGIN_PATHS) or path == "/admin/"


def error_messages(response) -> list[str]:
    """Error messages the request gave the user: queued for the next page, or shown on this
    one (each request starts with no message left over, see perform)."""
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    if storage is None:
        return []
    shown = storage._loaded_messages if storage.used else []
    return [str(m) for m in [*shown, *storage._queued_messages] if m.level >= message_levels.ERROR]


def refused(response) -> bool:
    return response.status_code in REFUSED or to_sign_in(response)


def told(response, wrote: int) -> bool:
    """Refused with a reason the user can read, nothing written."""
    status = response.status_code
    return (
        not wrote
        and not to_sign_in(response)
        and status in (200, 302, 400, 409)
        and (status in (400, 409) or bool(error_messages(response)))
    )


def succeeded(response, req: Req, wrote: int, direction: str) -> bool:
    status = response.status_code
    ok = req.ok or ((200,) if direction == "read" else (200, 201, 204, 302))
    if status not in ok or (to_sign_in(response) and not req.to_sign_in):
        return False
    if direction == "write":
        return not error_messages(response) and (wrote > 0 or not req.audited)
    return True


def not_found(response, role: str) -> bool:
    """What a missing object gets (or the method's refusal, or the sign-in page)."""
    if role == w.ANON:
        return refused(response)
    return response.status_code in (404, 405)


# --- requests ----------------------------------------------------------------------------


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def perform(world, clients, role: str, url: str, req: Req):
    """One request in a savepoint (rolled back); returns the answer and the audit rows it
    wrote."""
    with transaction.atomic():
        before = AuditEntry.objects.count()
        client = _client(world.users.get(role)) if req.fresh else clients[role]
        client.cookies.pop("messages", None)  # what earlier redirects left unread
        if req.prepare:
            req.prepare(world, client, role)
        data = req.data(world, role) if req.data else {}
        call = getattr(client, req.method)
        if req.format == "json":
            response = call(url, data=json.dumps(data), content_type="application/json")
        elif req.method == "get":
            response = call(url, data)
        else:
            response = call(url, data)  # multipart form, as a browser sends it
        wrote = AuditEntry.objects.count() - before
        transaction.set_rollback(True)
    return response, wrote


def judge(row, role, phase, direction, response, wrote) -> str | None:
    """None when the answer is what the table says, else why not."""
    req = row.read_req if direction == "read" else row.write_req
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if role in allowed(row.read if direction == "read" else row.write, phase):
        FIGURES["allowed checked"] += 1
        if not succeeded(response, req, wrote, direction):
            return (
                f"allowed but got {status} {response.get('Location', '')} "
                f"audit+{wrote} errors={error_messages(response)[:1]}"
            )
        return None
    FIGURES["refused checked"] += 1
    if wrote:
        return f"denied but wrote {wrote} audit row(s) ({status})"
    if role in row.who_sees(phase):
        if refused(response) or told(response, wrote):
            return None
        return f"denied but got {status} {response.get('Location', '')}"
    if not not_found(response, role):
        return f"not theirs but got {status} {response.get('Location', '')} (expected 404)"
    return None


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def test_every_url_and_api_method_has_a_row():
    patterns = url_patterns()
    ours = {name for name in patterns if not name.startswith("admin:")}
    rows = {row.name for row in ROWS}
    assert not sorted(ours - rows), f"URLs without a row in the table: {sorted(ours - rows)}"
    assert not sorted(rows - ours), f"rows for URLs that no longer exist: {sorted(rows - ours)}"
    missing = []
    for row in ROWS:
        declared = {row.read_req.method, row.write_req.method}
        for method in _api_methods(patterns[row.name]) - declared:
            missing.append(f"{row.key} {method.upper()}")
    assert not missing, f"API methods without a row: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("phase", w.PHASES)
def test_access_matrix(phase, capsys):
    world = w.build(phase)
    patterns = url_patterns()
    clients = {role: _client(world.users.get(role)) for role in w.ROLES}
    failures, requests = [], 0
    for row in ROWS:
        url = reverse(row.name, kwargs=kwargs_for(world, row, patterns[row.name]))
        for role in w.ROLES:
            for direction, req in (("read", row.read_req), ("write", row.write_req)):
                response, wrote = perform(world, clients, role, url, req)
                requests += 1
                problem = judge(row, role, phase, direction, response, wrote)
                if problem:
                    failures.append(
                        f"{direction} {req.method.upper()} {url} ({row.key}) as {role}: {problem}"
                    )
    FIGURES["requests"] += requests
    FIGURES["phases"] += 1
    with capsys.disabled():
        print(f"\naccess matrix, phase {phase}: {requests} requests, {len(failures)} mismatches")
    assert not failures, "\n".join(failures[:120])


def _admin_kwargs(entry: URLPattern) -> dict:
    sample = {"app_label": "scoring", "url": "x", "uidb64": "x", "token": "x"}
    return {k: sample.get(k, "1") for k in _kwarg_names(entry)}


@pytest.mark.django_db
def test_admin_refuses_every_portal_role(capsys):
    """The Django admin lets in is_staff accounts only, and no portal role is one."""
    world = w.build(w.PHASES[0])
    clients = {role: _client(world.users.get(role)) for role in w.ROLES}
    failures, requests = [], 0
    for name, entry in sorted(url_patterns().items()):
        if not name.startswith("admin:"):
            continue
        url = reverse(name, kwargs=_admin_kwargs(entry))
        readers, writers = ADMIN_OPEN.get(name, (frozenset(), frozenset()))
        for role in w.ROLES:
            for method, may in (("get", readers), ("post", writers)):
                req = Req(method=method, fresh=name == "admin:logout", audited=False)
                response, wrote = perform(world, clients, role, url, req)
                requests += 1
                if response.status_code >= 500 or wrote:
                    failures.append(f"{method} {url} as {role}: {response.status_code}")
                elif role in may:
                    FIGURES["allowed checked"] += 1
                    if refused(response) and not response.status_code == 405:
                        failures.append(f"{method} {url} as {role}: refused {response.status_code}")
                else:
                    FIGURES["refused checked"] += 1
                    if not refused(response):
                        failures.append(f"{method} {url} as {role}: {response.status_code}")
    FIGURES["requests"] += requests
    FIGURES["admin requests"] += requests
    with capsys.disabled():
        print(f"\naccess matrix, admin: {requests} requests, {len(failures)} mismatches")
    assert not failures, "\n".join(failures[:80])


def test_matrix_figures(capsys):
    """The figures of the runs above (the README states them)."""
    endpoints = len({row.name for row in ROWS})
    admin = len([n for n in url_patterns() if n.startswith("admin:")])
    with capsys.disabled():
        print(
            f"\naccess matrix: {endpoints} portal URL names ({len(ROWS)} rows) × "
            f"{len(w.ROLES)} roles × {FIGURES['phases']} phases × read/write, "
            f"+ {admin} admin URLs × {len(w.ROLES)} roles × GET/POST: "
            f"{FIGURES['requests']} requests, {FIGURES['allowed checked']} allowed checked, "
            f"{FIGURES['refused checked']} refused checked"
        )
    assert EVERYONE == frozenset(w.ROLES)
