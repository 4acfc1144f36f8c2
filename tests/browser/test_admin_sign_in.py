"""The admin sign-in journey with a second factor, in a real browser.

A staff user with a TOTP device opens /admin/, is sent through the portal's sign-in, gives the
password, then the code of the device (computed here from its key, as the phone would), and
lands in the admin; with the password alone, or a wrong code, the admin stays shut.
"""

from __future__ import annotations

import os
import re

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING
from tests.factories import PASSWORD, make_user
from tests.tools import require_tool

require_tool(CHROMIUM.exists(), CHROMIUM_MISSING, module=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect = playwright_api.expect

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("BROWSER_SCREENSHOTS", "")  # a directory: save what the user saw


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def admin_user(transactional_db, settings):
    settings.SUPERUSER_TOTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    cache.clear()
    user = make_user(username="quantri")
    user.is_staff = user.is_superuser = True
    user.save()
    device = TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)
    yield user, device
    cache.clear()


def _password_step(page):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=%2Fadmin%2F$"))
    _shot(page, "admin-1-login")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/$"))
    expect(page.locator("h1")).to_contain_text("Xác thực hai bước")


def test_admin_sign_in_with_the_second_factor(browser_page, admin_user):
    page = browser_page
    _user, device = admin_user
    _password_step(page)
    _shot(page, "admin-2-code")
    page.fill("#id_token", _code(device))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator('a[href="/admin/units/user/"]').first).to_be_visible()
    _shot(page, "admin-3-inside")
    page.goto("/admin/parindex/apitoken/")
    expect(page).to_have_url(re.compile(r"/admin/parindex/apitoken/$"))


def test_admin_stays_shut_without_the_code(browser_page, admin_user):
    page = browser_page
    _password_step(page)
    page.goto("/admin/")  # the password alone: back to the sign-in
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=%2Fadmin%2F$"))
    page.goto("/admin/units/user/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    page.goto("/dang-nhap/ma-xac-thuc/")
    page.fill("#id_token", "000000")
    page.click("main form button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("Mã xác thực không đúng")
    _shot(page, "admin-4-wrong-code")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=%2Fadmin%2F$"))
