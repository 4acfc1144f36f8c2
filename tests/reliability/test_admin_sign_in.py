"""The Django admin signs in through the portal: same throttling, same second factor, and a
second factor for superusers in production (SUPERUSER_TOTP_REQUIRED)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

LOGIN_FOR_ADMIN = "/dang-nhap/?next=%2Fadmin%2F"


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    cache.clear()
    yield
    cache.clear()


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _staff(username="quantri", *, superuser=False, device=False):
    user = f.make_user(username=username)
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    if device:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def _follow_to_login(client):
    first = client.get("/admin/")
    assert first.status_code == 302 and first["Location"] == "/admin/login/?next=/admin/"
    second = client.get(first["Location"])
    assert second.status_code == 302 and second["Location"] == LOGIN_FOR_ADMIN
    return second["Location"]


@pytest.mark.django_db
def test_admin_sends_to_the_portal_login_then_asks_for_the_code(client, settings):
    settings.SUPERUSER_TOTP_REQUIRED = True
    user = _staff(superuser=True, device=True)
    login_url = _follow_to_login(client)
    assert client.get(login_url).status_code == 200
    step_one = client.post(
        login_url, {"username": "quantri", "password": f.PASSWORD, "next": "/admin/"}
    )
    assert step_one.status_code == 302 and step_one["Location"] == "/dang-nhap/ma-xac-thuc/"
    # The password alone does not open the admin.
    assert client.get("/admin/").status_code == 302
    assert client.post("/dang-nhap/ma-xac-thuc/", {"token": "000000"}).status_code == 400
    device = TOTPDevice.objects.get(user=user)
    done = client.post("/dang-nhap/ma-xac-thuc/", {"token": _code(device, offset=1)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200 and "/admin/units/user/" in page.content.decode()


@pytest.mark.django_db
def test_admin_login_page_takes_no_credentials_itself(client):
    _staff()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "quantri", "password": f.PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == LOGIN_FOR_ADMIN
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_sign_in_is_throttled_like_the_portal(client):
    _staff()
    for _ in range(5):
        client.post(LOGIN_FOR_ADMIN, {"username": "quantri", "password": "sai", "next": "/admin/"})
    refused = client.post(
        LOGIN_FOR_ADMIN, {"username": "quantri", "password": f.PASSWORD, "next": "/admin/"}
    )
    assert refused.status_code == 429
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_admin_refuses_an_enrolled_staff_session_without_the_code(client):
    """A session that never passed the code (e.g. opened before enrolment) is sent to sign in
    again with it, and is signed out meanwhile."""
    user = _staff(device=True)
    client.force_login(user)
    response = client.get("/admin/", follow=False)
    assert response.status_code == 302
    again = client.get(response["Location"])
    assert again.status_code == 302 and again["Location"] == LOGIN_FOR_ADMIN
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_superuser_without_a_device_is_refused_in_production(client, settings):
    settings.SUPERUSER_TOTP_REQUIRED = True
    client.force_login(_staff("goc", superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/xac-thuc-hai-buoc/"
    # and the enrolment needs the administrator's one-time code, not the password alone
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert page.status_code == 200
    assert 'name="enrolment_code"' in page.content.decode()
    assert "otpauth://" not in page.content.decode()
    assert client.get("/admin/units/user/").status_code == 302
    # the API does not give such a superuser a token either
    token = Client().post("/api/v1/auth/token/", {"username": "goc", "password": f.PASSWORD})
    assert token.status_code == 403


@pytest.mark.django_db
def test_superuser_without_a_device_may_enter_when_the_setting_is_off(client, settings):
    settings.SUPERUSER_TOTP_REQUIRED = False
    client.force_login(_staff("goc", superuser=True))
    assert client.get("/admin/").status_code == 200


def test_superuser_second_factor_is_on_by_default_in_production():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    code = "from django.conf import settings; print(settings.SUPERUSER_TOTP_REQUIRED)"
    for debug, expected in (("false", "True"), ("true", "False")):
        env = {k: v for k, v in os.environ.items() if k != "SUPERUSER_TOTP_REQUIRED"}
        env.update(DJANGO_DEBUG=debug, DJANGO_SETTINGS_MODULE="parindex.settings")
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == expected


@pytest.mark.django_db
def test_staff_without_a_device_and_no_requirement_enters_with_the_password(client):
    _staff()
    client.post(LOGIN_FOR_ADMIN, {"username": "quantri", "password": f.PASSWORD, "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_signed_in_non_staff_is_sent_to_the_login_page(client):
    client.force_login(f.make_user())
    assert client.get("/admin/login/?next=/admin/")["Location"] == LOGIN_FOR_ADMIN
    assert client.get("/admin/units/user/").status_code == 302


@pytest.mark.django_db
def test_admin_login_does_not_redirect_off_site(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == LOGIN_FOR_ADMIN
