"""Sign-in: throttling, the TOTP second factor (django-otp), enrolment, API tokens, the admin.

Throttling (parindex.throttle): failures are counted per (account, address), per address and
per account, each with a growing delay instead of a lock; the address is the client's behind
TRUSTED_PROXY_COUNT proxies. A refused attempt answers 429 with the time to retry.

TOTP: a user with a confirmed TOTP device is asked for the 6-digit code after the password.
Users who must use TOTP (a role of TOTP_REQUIRED_ROLES; superusers when SUPERUSER_TOTP_REQUIRED)
are sent to enrolment (parindex.middleware) and cannot enrol their first device without a
one-time enrolment code from an administrator.

The Django admin signs in here too (parindex.admin_site): same throttling, same second factor.
"""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from units.rules import roles_of

from . import services
from .models import ApiToken
from .throttle import (
    client_address,
    retry_after_seconds,
    retry_when,
    signin_failure_record,
    signin_retry_at,
    signin_success_record,
)

PENDING_USER = "totp_pending_user"
PENDING_BACKEND = "totp_pending_backend"
PENDING_NEXT = "totp_pending_next"
ENROL_DEVICE = "totp_enrol_device"  # the device this session may confirm (after a code)


def throttled_message(at: float) -> str:
    return _("Nhập sai nhiều lần liên tiếp. Vui lòng thử lại sau %(when)s.") % {
        "when": retry_when(at)
    }


def _retry_after(response, at: float):
    response["Retry-After"] = str(retry_after_seconds(at))
    return response


def totp_required_for(user) -> bool:
    """Must this user pass a second factor? A role of TOTP_REQUIRED_ROLES, or a superuser when
    SUPERUSER_TOTP_REQUIRED (on by default in production)."""
    if getattr(user, "is_superuser", False) and settings.SUPERUSER_TOTP_REQUIRED:
        return True
    required = set(getattr(settings, "TOTP_REQUIRED_ROLES", []) or [])
    return bool(required) and any(role.kind in required for role in roles_of(user))


def has_confirmed_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def second_factor_ok(request) -> bool:
    """Signed in with the code of a confirmed device, or not required to have one."""
    user = request.user
    if has_confirmed_device(user):
        return user.is_verified()
    return not totp_required_for(user)


class ThrottledLoginView(LoginView):
    """Django's login view with throttling and, when the user has one, the TOTP step."""

    def _throttled(self, form, at: float):
        response = self.render_to_response(
            self.get_context_data(form=form, throttled=throttled_message(at)), status=429
        )
        return _retry_after(response, at)

    def post(self, request, *args, **kwargs):
        at = signin_retry_at(
            username=request.POST.get("username", ""), address=client_address(request)
        )
        if at is not None:
            return self._throttled(self.get_form_class()(request), at)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        address = client_address(self.request)
        signin_failure_record(username=username, address=address)
        at = signin_retry_at(username=username, address=address)
        if at is not None:
            return self._throttled(form, at)
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        signin_success_record(
            username=self.request.POST.get("username", ""), address=client_address(self.request)
        )
        if has_confirmed_device(user):
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_NEXT] = self.get_success_url()
            return redirect("totp_verify")
        return super().form_valid(form)


def _totp_throttled(request, at: float):
    response = render(
        request, "registration/totp_verify.html", {"error": throttled_message(at)}, status=429
    )
    return _retry_after(response, at)


@require_http_methods(["GET", "POST"])
def totp_verify(request):
    """Second step of sign-in: the code from the authenticator app."""
    user_id = request.session.get(PENDING_USER)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("login")
    error = None
    username, address = user.get_username(), client_address(request)
    if request.method == "POST":
        at = signin_retry_at(username=username, address=address)
        if at is not None:
            return _totp_throttled(request, at)
        token = (request.POST.get("token") or "").strip()
        device = None
        for candidate in TOTPDevice.objects.filter(user=user, confirmed=True):
            device = django_otp.verify_token(user, candidate.persistent_id, token)
            if device is not None:
                break
        if device is not None:
            next_url = request.session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL
            backend = request.session.get(PENDING_BACKEND)
            signin_success_record(username=username, address=address)
            auth_login(request, user, backend=backend)  # a new session: pending keys are gone
            django_otp.login(request, device)
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
        signin_failure_record(username=username, address=address)
        at = signin_retry_at(username=username, address=address)
        if at is not None:
            return _totp_throttled(request, at)
        error = _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại.")
    return render(
        request, "registration/totp_verify.html", {"error": error}, status=400 if error else 200
    )


def _enrol_code_step(request):
    """A user who must use TOTP, with no device yet: first the administrator's one-time code."""
    error, status = None, 200
    if request.method == "POST" and "enrolment_code" in request.POST:
        username, address = request.user.get_username(), client_address(request)
        at = signin_retry_at(username=username, address=address)
        if at is not None:
            error, status = throttled_message(at), 429
        else:
            code = services.enrolment_code_redeem(
                user=request.user, code=request.POST["enrolment_code"], address=address
            )
            if code is not None:
                # A new key, shown only now: a key displayed before the code was given is dropped.
                device = services.totp_device_start(user=request.user, fresh=True)
                request.session[ENROL_DEVICE] = device.pk
                return redirect("totp_enrol")
            signin_failure_record(username=username, address=address)
            at = signin_retry_at(username=username, address=address)
            error, status = (
                (throttled_message(at), 429)
                if at is not None
                else (
                    _(
                        "Mã đăng ký không đúng, đã dùng hoặc đã hết hạn. "
                        "Hãy xin quản trị viên cấp mã mới."
                    ),
                    400,
                )
            )
    return render(
        request, "registration/totp_enrol.html", {"needs_code": True, "error": error}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    """Turn on the second factor: shows the otpauth:// URI to add in an authenticator app.

    Users who must use TOTP first give the one-time enrolment code an administrator issued;
    the key is shown only after it, and only that session may confirm the device."""
    user = request.user
    if has_confirmed_device(user):
        return render(request, "registration/totp_enrol.html", {"enrolled": True})
    device_id = None
    if totp_required_for(user):
        device_id = request.session.get(ENROL_DEVICE)
        if not TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).exists():
            return _enrol_code_step(request)
    error = None
    if request.method == "POST":
        device = services.totp_device_confirm(
            user=user,
            token=request.POST.get("token") or "",
            device_id=device_id,
            address=client_address(request),
        )
        if device is not None:
            request.session.pop(ENROL_DEVICE, None)
            django_otp.login(request, device)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = _("Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng.")
    device = (
        TOTPDevice.objects.get(pk=device_id) if device_id else services.totp_device_start(user=user)
    )
    return render(
        request,
        "registration/totp_enrol.html",
        {"config_url": device.config_url, "error": error},
        status=400 if error else 200,
    )


class ThrottledObtainAuthToken(ObtainAuthToken):
    """API tokens under the same rules as the sign-in page.

    POST: the same failure counters and refusal as the login form (429 once throttled), and a
    user with a confirmed TOTP device must send the current code as `otp`; a user who must
    use TOTP but has not enrolled gets no token. The token expires after API_TOKEN_TTL_HOURS.
    DELETE (authenticated by a token): revokes that token.
    """

    def post(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            return Response({"error": _("Cần gửi tên đăng nhập và mật khẩu.")}, status=400)
        username = str(request.data.get("username", ""))
        address = client_address(request)
        at = signin_retry_at(username=username, address=address)
        if at is not None:
            return _retry_after(Response({"error": throttled_message(at)}, status=429), at)
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            signin_failure_record(username=username, address=address)
            return Response({"error": _("Tên đăng nhập hoặc mật khẩu không đúng.")}, status=400)
        user = serializer.validated_data["user"]
        if has_confirmed_device(user):
            code = str(request.data.get("otp", "")).strip()
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if not code or not any(device.verify_token(code) for device in devices):
                signin_failure_record(username=username, address=address)
                return Response(
                    {"error": _("Cần mã xác thực hai bước hợp lệ (trường “otp”).")}, status=400
                )
        elif totp_required_for(user):
            return Response(
                {"error": _("Tài khoản này phải đăng ký xác thực hai bước trước khi dùng API.")},
                status=403,
            )
        signin_success_record(username=username, address=address)
        token, key = services.api_token_issue(user=user, address=address)
        return Response({"token": key, "expires_at": token.expires_at.isoformat()})

    def delete(self, request, *args, **kwargs):
        if not isinstance(request.auth, ApiToken):
            return Response(
                {"error": _("Hãy gửi mã cần thu hồi trong tiêu đề Authorization: Token <mã>.")},
                status=401,
            )
        services.api_token_revoke(
            actor=request.user, token=request.auth, address=client_address(request)
        )
        return Response(status=204)


@login_required
@require_http_methods(["GET", "POST"])
def account_tokens(request):
    """Account security: the second factor's state and the user's API tokens (issued, expiry,
    last use, state); POST token=<id> revokes one."""
    tokens = ApiToken.objects.filter(user=request.user)
    if request.method == "POST":
        token = tokens.filter(pk=_int(request.POST.get("token"))).first()
        if token is None:
            raise Http404
        services.api_token_revoke(actor=request.user, token=token, address=client_address(request))
        messages.success(
            request, _("Đã thu hồi mã truy cập %(prefix)s….") % {"prefix": token.prefix}
        )
        return redirect("account_tokens")
    return render(
        request,
        "registration/api_tokens.html",
        {"tokens": tokens[:100], "has_device": has_confirmed_device(request.user)},
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def admin_login(request):
    """The admin's login page: the portal's sign-in (same throttling, same second factor).

    Signed in but short of the second factor the admin needs: enrol (when there is no device
    yet) or sign in again with the code; otherwise the portal's login page, back here after."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    user = request.user
    if user.is_authenticated and user.is_active and user.is_staff:
        if second_factor_ok(request):
            return redirect(next_url)
        if not has_confirmed_device(user):
            messages.warning(
                request,
                _("Tài khoản quản trị phải bật xác thực hai bước trước khi vào trang quản trị."),
            )
            return redirect("totp_enrol")
        auth_logout(request)
        messages.warning(request, _("Hãy đăng nhập lại, kèm mã xác thực hai bước."))
    return redirect(f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
