"""Sign-in hardening: throttling, the optional TOTP second factor, JSON logs, no inline JS."""

import json
import logging
import re
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from parindex.logging import JsonFormatter, RequestIdFilter, request_id_var
from parindex.throttle import client_address, signin_failure_record, signin_retry_at
from tests import factories as f
from units.enums import RoleKind

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password=f.PASSWORD, **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password}, **extra)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db
def test_login_delay_after_five_failures_even_with_the_right_password(client):
    user = f.make_user(username="thuky")
    for _ in range(4):
        assert _login(client, "thuky", "sai-mat-khau").status_code == 200
    fifth = _login(client, "thuky", "sai-mat-khau")
    assert fifth.status_code == 429 and fifth["Retry-After"] == "1"
    text = fifth.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text
    assert "Vui lòng thử lại sau 1 giây (lúc " in text
    right = _login(client, "thuky")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    time.sleep(1.05)  # a delay, not a lock: after it, the right password gets in
    assert _login(client, "thuky").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_login_delay_doubles_with_each_failure_up_to_the_maximum(settings):
    settings.LOGIN_THROTTLE_MAX_DELAY = 60
    now = 1_000_000.0
    waits = []
    for _failure in range(12):
        signin_failure_record(username="nan-nhan", address="10.0.0.7", now=now)
        at = signin_retry_at(username="nan-nhan", address="10.0.0.7", now=now)
        waits.append(0 if at is None else at - now)
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert signin_retry_at(username="nan-nhan", address="10.0.0.7", now=now + 60) is None


@pytest.mark.django_db
def test_login_a_stranger_cannot_lock_the_owner_out(client):
    owner = f.make_user(username="lanhdao")
    now = time.time()
    for n in range(200):  # a guessing attack on the named account from 50 other addresses
        signin_failure_record(username="lanhdao", address=f"203.0.113.{n % 50}", now=now)
    attacker = _login(client, "lanhdao", REMOTE_ADDR="203.0.113.7")
    assert attacker.status_code == 429  # even with the right password, from a guessing address
    # An address that failed before (any account) is held back by the account's counter too,
    assert _login(client, "ai-do", "sai", REMOTE_ADDR="198.51.100.9").status_code == 200
    assert _login(client, "lanhdao", REMOTE_ADDR="198.51.100.9").status_code == 429
    # but the owner, from an address that never failed, gets in at once.
    ok = _login(client, "lanhdao", REMOTE_ADDR="192.0.2.10")
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.django_db
def test_login_spraying_many_accounts_from_one_address_is_slowed(client, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 20
    f.make_user(username="nguoi-that")
    for n in range(19):
        assert _login(client, f"doan-{n}", "sai", REMOTE_ADDR="10.9.9.9").status_code == 200
    assert _login(client, "doan-19", "sai", REMOTE_ADDR="10.9.9.9").status_code == 429
    assert _login(client, "nguoi-that", REMOTE_ADDR="10.9.9.9").status_code == 429
    assert _login(client, "nguoi-that", REMOTE_ADDR="10.9.9.10").status_code == 302


@pytest.mark.django_db
def test_login_throttle_is_per_address_and_resets_on_success(client):
    f.make_user(username="chuyenvien")
    for _ in range(5):
        _login(client, "chuyenvien", "sai", REMOTE_ADDR="10.0.0.1")
    assert _login(client, "chuyenvien", REMOTE_ADDR="10.0.0.1").status_code == 429
    ok = _login(client, "chuyenvien", REMOTE_ADDR="10.0.0.2")
    assert ok.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_login_counter_cleared_after_a_success(client):
    f.make_user(username="hoidong")
    for _round in range(3):  # the owner's own typing mistakes are forgiven by a success
        for _ in range(4):
            assert _login(client, "hoidong", "sai").status_code == 200
        assert _login(client, "hoidong").status_code == 302
        client.logout()


def _request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_is_read_behind_the_configured_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: the peer is the client, the header is noise
    assert client_address(_request("198.51.100.1", "1.2.3.4")) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 1  # nginx appends the peer it saw: the rightmost entry
    assert client_address(_request("10.0.0.2", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_address(_request("10.0.0.2", "203.0.113.5")) == "203.0.113.5"
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"  # header missing: the peer
    assert client_address(_request("10.0.0.2", "nonsense")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2  # load balancer, then nginx
    assert client_address(_request("10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2")) == ("203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2", "2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"
    assert client_address(_request("10.0.0.2", "::ffff:203.0.113.8")) == "203.0.113.8"


@pytest.mark.django_db
def test_login_throttle_behind_a_proxy_ignores_a_spoofed_leftmost_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    f.make_user(username="thamdinh")
    for n in range(5):  # the attacker invents a new leftmost address each time
        _login(
            client,
            "thamdinh",
            "sai",
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR=f"172.16.0.{n}, 203.0.113.66",
        )
    spoofed = _login(
        client,
        "thamdinh",
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="172.16.9.9, 203.0.113.66",
    )
    assert spoofed.status_code == 429
    # Everyone comes through the same proxy (10.0.0.254): another client is not slowed.
    other = _login(
        client, "thamdinh", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.67"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_totp_enrol_then_login_asks_for_the_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delay after a wrong code
    user = f.make_user(RoleKind.SECRETARIAT, username="thuky2")
    client.force_login(user)
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert page.status_code == 200
    assert "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": "000000"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    ok = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": _code(device)})
    assert ok.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    client.logout()

    step_one = _login(client, "thuky2")
    assert step_one.status_code == 302 and step_one["Location"] == "/dang-nhap/ma-xac-thuc/"
    assert "_auth_user_id" not in client.session  # not signed in by the password alone
    bad = client.post("/dang-nhap/ma-xac-thuc/", {"token": "123456"})
    assert bad.status_code == 400 and "Mã xác thực không đúng" in bad.content.decode()
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    good = client.post("/dang-nhap/ma-xac-thuc/", {"token": _code(device, offset=1)})
    assert good.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").wsgi_request.user.is_verified()


@pytest.mark.django_db
def test_totp_verify_without_a_pending_login_goes_back_to_login(client):
    response = client.post("/dang-nhap/ma-xac-thuc/", {"token": "123456"})
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"


@pytest.mark.django_db
def test_totp_required_roles_force_enrolment(client, settings):
    settings.TOTP_REQUIRED_ROLES = ["secretariat", "appraiser"]
    group = f.make_group()
    secretary = f.make_user(RoleKind.SECRETARIAT)
    staff = f.make_user(RoleKind.AGENCY_STAFF, unit=f.make_unit(group))
    client.force_login(secretary)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/xac-thuc-hai-buoc/"
    assert client.get("/tai-khoan/xac-thuc-hai-buoc/").status_code == 200
    client.force_login(staff)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_totp_optional_by_default(client):
    client.force_login(f.make_user(RoleKind.SECRETARIAT))
    assert client.get("/").status_code == 200


def test_session_expires_and_passwords_are_validated(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    for weak in ("12345678", "password", "abc"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_json_log_is_one_line_with_the_request_id():
    record = logging.LogRecord("parindex", logging.WARNING, __file__, 1, "tải lên %s", ("x",), None)
    token = request_id_var.set("req-123")
    try:
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    payload = json.loads(line)
    assert payload["message"] == "tải lên x"
    assert payload["level"] == "WARNING" and payload["request_id"] == "req-123"


@pytest.mark.django_db
def test_responses_carry_a_request_id(client):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/dang-nhap/")["X-Request-ID"])
    echoed = client.get("/dang-nhap/", headers={"X-Request-ID": "abc-1"})
    assert echoed["X-Request-ID"] == "abc-1"
    forged = client.get("/dang-nhap/", headers={"X-Request-ID": "<script>"})
    assert forged["X-Request-ID"] != "<script>"


def test_templates_have_no_inline_scripts_or_event_handlers():
    """CSP is script-src 'self': inline <script> bodies and on…= attributes would not run."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.parts:  # rendered to PDF by WeasyPrint, never served to a browser
            continue
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and 'type="application/json"' not in match.group(1):
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        for match in re.finditer(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_api_token_is_throttled_like_the_login_page(client):
    f.make_user(username="api-user")
    for _attempt in range(5):
        bad = client.post("/api/v1/auth/token/", {"username": "api-user", "password": "sai"})
        assert bad.status_code == 400
    refused = client.post("/api/v1/auth/token/", {"username": "api-user", "password": f.PASSWORD})
    assert refused.status_code == 429
    assert "thử lại sau" in refused.json()["error"]


@pytest.mark.django_db
def test_api_token_needs_the_totp_code_of_an_enrolled_user(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = f.make_user(RoleKind.SECRETARIAT, username="api-thuky")
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    credentials = {"username": "api-thuky", "password": f.PASSWORD}
    assert client.post("/api/v1/auth/token/", credentials).status_code == 400
    assert client.post("/api/v1/auth/token/", {**credentials, "otp": "000000"}).status_code == 400
    ok = client.post("/api/v1/auth/token/", {**credentials, "otp": _code(device)})
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40


@pytest.mark.django_db
def test_api_token_refused_to_a_required_role_without_enrolment(client, settings):
    settings.TOTP_REQUIRED_ROLES = ["appraiser"]
    home = f.make_unit(f.make_group())
    f.make_user(RoleKind.APPRAISER, home, year=2024, username="api-td")
    response = client.post("/api/v1/auth/token/", {"username": "api-td", "password": f.PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_totp_code_guessing_is_throttled_like_the_password(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only our back-off: django-otp's own is per device
    user = f.make_user(username="co-ma")
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    assert _login(client, "co-ma").status_code == 302
    for _ in range(4):
        assert client.post("/dang-nhap/ma-xac-thuc/", {"token": "000000"}).status_code == 400
    fifth = client.post("/dang-nhap/ma-xac-thuc/", {"token": "000000"})
    assert fifth.status_code == 429 and "thử lại sau" in fifth.content.decode()
    right = client.post("/dang-nhap/ma-xac-thuc/", {"token": _code(device)})
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    time.sleep(1.05)
    assert client.post("/dang-nhap/ma-xac-thuc/", {"token": _code(device)}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
