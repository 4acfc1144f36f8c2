"""Credentials: one-time TOTP enrolment codes for the roles that must use TOTP, and API tokens
that expire and can be revoked (by their owner and by an administrator)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from parindex.models import AccountAction, AccountEvent, ApiToken, EnrolmentCode
from parindex.services import api_token_issue, api_token_revoke, enrolment_code_issue
from tests import factories as f
from units.enums import RoleKind

ENROL = "/tai-khoan/xac-thuc-hai-buoc/"


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.TOTP_REQUIRED_ROLES = ["secretariat"]
    cache.clear()
    yield
    cache.clear()


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _admin():
    admin = f.make_user(username="quantri")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def _actions(user) -> list[str]:
    return list(
        AccountEvent.objects.filter(user=user).order_by("at", "id").values_list("action", flat=True)
    )


# --- enrolment codes -----------------------------------------------------------------------


@pytest.mark.django_db
def test_required_role_cannot_enrol_with_the_password_alone(client):
    secretary = f.make_user(RoleKind.SECRETARIAT)
    client.force_login(secretary)
    assert client.get("/")["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="enrolment_code"' in text and "otpauth://" not in text
    # no key is handed out, and a TOTP code posted straight away confirms nothing
    assert not TOTPDevice.objects.filter(user=secretary).exists()
    client.post(ENROL, {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=secretary, confirmed=True).exists()
    wrong = client.post(ENROL, {"enrolment_code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "Mã đăng ký không đúng" in wrong.content.decode()


@pytest.mark.django_db
def test_enrolment_code_from_the_admin_action_enrols_once(client):
    admin = _admin()
    secretary = f.make_user(RoleKind.SECRETARIAT, username="thuky")
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(
        "/admin/units/user/",
        {"action": "issue_enrolment_code", "_selected_action": [secretary.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "Mã đăng ký của thuky: " in shown[0]
    code = shown[0].split(": ", 1)[1].split(" ", 1)[0]
    stored = EnrolmentCode.objects.get(user=secretary)
    assert stored.created_by == admin and stored.is_open
    assert code.replace("-", "") not in stored.code_hash  # only a hash is kept

    client.force_login(secretary)
    TOTPDevice.objects.create(user=secretary, name="shown-before", confirmed=False)
    step = client.post(ENROL, {"enrolment_code": code.lower().replace("-", " ")})
    assert step.status_code == 302 and step["Location"] == ENROL
    assert not TOTPDevice.objects.filter(name="shown-before").exists()  # an earlier key is void
    page = client.get(ENROL)
    assert "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=secretary, confirmed=False)
    done = client.post(ENROL, {"token": _code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 200  # verified: the portal is open
    stored.refresh_from_db()
    assert stored.used_at is not None and not stored.is_open
    assert _actions(secretary) == [
        AccountAction.ENROLMENT_CODE_ISSUED,
        AccountAction.ENROLMENT_CODE_USED,
        AccountAction.TOTP_ENROLLED,
    ]
    issued = AccountEvent.objects.get(user=secretary, action=AccountAction.ENROLMENT_CODE_ISSUED)
    assert issued.actor == admin

    # The device is reset (lost phone): the used code does not serve a second time.
    TOTPDevice.objects.filter(user=secretary).delete()
    again = Client()
    again.force_login(secretary)
    assert again.post(ENROL, {"enrolment_code": code}).status_code == 400


@pytest.mark.django_db
def test_enrolment_code_expires_and_a_new_one_cancels_the_old(client):
    secretary = f.make_user(RoleKind.SECRETARIAT)
    _first, first_code = enrolment_code_issue(actor=None, user=secretary)
    record, second_code = enrolment_code_issue(actor=None, user=secretary, hours=1)
    client.force_login(secretary)
    assert client.post(ENROL, {"enrolment_code": first_code}).status_code == 400  # cancelled
    EnrolmentCode.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.post(ENROL, {"enrolment_code": second_code}).status_code == 400  # expired
    assert not TOTPDevice.objects.filter(user=secretary).exists()


@pytest.mark.django_db
def test_enrolment_code_guessing_is_throttled(client):
    secretary = f.make_user(RoleKind.SECRETARIAT)
    _record, code = enrolment_code_issue(actor=None, user=secretary)
    client.force_login(secretary)
    for _ in range(4):
        assert client.post(ENROL, {"enrolment_code": "WRONG-CODE-0000"}).status_code == 400
    assert client.post(ENROL, {"enrolment_code": "WRONG-CODE-0000"}).status_code == 429
    refused = client.post(ENROL, {"enrolment_code": code})  # even the right code must wait
    assert refused.status_code == 429 and "thử lại sau" in refused.content.decode()
    assert EnrolmentCode.objects.get(user=secretary).used_at is None


@pytest.mark.django_db
def test_enrolment_is_bound_to_the_session_that_gave_the_code(client):
    secretary = f.make_user(RoleKind.SECRETARIAT)
    _record, code = enrolment_code_issue(actor=None, user=secretary)
    client.force_login(secretary)
    client.post(ENROL, {"enrolment_code": code})
    device = TOTPDevice.objects.get(user=secretary, confirmed=False)
    other = Client()  # the password alone, in another browser
    other.force_login(secretary)
    page = other.get(ENROL)
    assert "otpauth://" not in page.content.decode()
    other.post(ENROL, {"token": _code(device)})
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


@pytest.mark.django_db
def test_issue_enrolment_code_command_prints_a_working_code(client):
    secretary = f.make_user(RoleKind.SECRETARIAT, username="thuky-lenh")
    out, err = StringIO(), StringIO()
    call_command("issue_enrolment_code", "thuky-lenh", "--hours", "2", stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert len(code) == 14 and "chỉ dùng một lần" in err.getvalue()
    record = EnrolmentCode.objects.get(user=secretary)
    assert (
        timedelta(hours=1, minutes=59) < record.expires_at - record.created_at <= timedelta(hours=2)
    )
    client.force_login(secretary)
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 302


@pytest.mark.django_db
def test_only_account_administrators_issue_codes():
    secretary = f.make_user(RoleKind.SECRETARIAT)
    staff_without_permission = f.make_user()
    staff_without_permission.is_staff = True
    staff_without_permission.save()
    with pytest.raises(PermissionDenied):
        enrolment_code_issue(actor=staff_without_permission, user=secretary)
    with pytest.raises(PermissionDenied):
        enrolment_code_issue(actor=secretary, user=secretary)
    assert not EnrolmentCode.objects.exists()


@pytest.mark.django_db
def test_optional_totp_still_enrols_with_the_password(client, settings):
    settings.TOTP_REQUIRED_ROLES = []
    user = f.make_user(RoleKind.AGENCY_HEAD, f.make_unit(f.make_group()))
    client.force_login(user)
    assert "otpauth://totp/" in client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert client.post(ENROL, {"token": _code(device)}).status_code == 302
    assert _actions(user) == [AccountAction.TOTP_ENROLLED]


# --- API tokens ------------------------------------------------------------------------------


def _obtain(user) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": f.PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_api_token_expires_after_the_configured_hours(settings):
    settings.API_TOKEN_TTL_HOURS = 2
    user = f.make_user(RoleKind.LEADERSHIP)
    body = _obtain(user)
    token = ApiToken.objects.get(user=user)
    assert body["token"] not in str(ApiToken.objects.values_list()) and len(body["token"]) == 40
    assert token.expires_at - token.created_at == timedelta(hours=2)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/groups/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = client.get("/api/v1/groups/")
    assert refused.status_code == 401
    assert "đã hết hạn lúc" in refused.json()["detail"]
    unknown = APIClient()
    unknown.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert unknown.get("/api/v1/groups/").json()["detail"] == "Mã truy cập API không hợp lệ."


@pytest.mark.django_db
def test_api_token_revoked_by_its_owner_through_the_api():
    user = f.make_user(RoleKind.LEADERSHIP)
    key = _obtain(user)["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    refused = client.get("/api/v1/groups/")
    assert refused.status_code == 401 and "đã bị thu hồi" in refused.json()["detail"]
    assert _actions(user) == [AccountAction.API_TOKEN_ISSUED, AccountAction.API_TOKEN_REVOKED]
    # without a token there is nothing to revoke
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401


@pytest.mark.django_db
def test_api_tokens_page_lists_and_revokes_only_ones_own(client):
    user = f.make_user(RoleKind.COUNCIL)
    mine, key = api_token_issue(user=user)
    theirs, _key = api_token_issue(user=f.make_user(RoleKind.COUNCIL))
    client.force_login(user)
    page = client.get("/tai-khoan/ma-truy-cap/")
    text = page.content.decode()
    assert page.status_code == 200 and mine.prefix in text and theirs.prefix not in text
    assert key not in text
    assert client.post("/tai-khoan/ma-truy-cap/", {"token": theirs.pk}).status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    done = client.post("/tai-khoan/ma-truy-cap/", {"token": mine.pk}, follow=True)
    assert "Đã thu hồi mã truy cập" in done.content.decode()
    mine.refresh_from_db()
    assert mine.revoked_at is not None and mine.revoked_by == user
    assert "đã thu hồi" in client.get("/tai-khoan/ma-truy-cap/").content.decode()


@pytest.mark.django_db
def test_api_token_revoked_by_an_administrator(client):
    admin = _admin()
    user = f.make_user(RoleKind.COUNCIL)
    token, key = api_token_issue(user=user)
    client.force_login(admin)
    client.post("/admin/parindex/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/groups/").status_code == 401
    with pytest.raises(PermissionDenied):  # nobody else revokes another's token
        api_token_revoke(actor=f.make_user(RoleKind.COUNCIL), token=api_token_issue(user=user)[0])
