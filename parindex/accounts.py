"""Sign-in: login throttling and the optional TOTP second factor (django-otp).

Throttling: after LOGIN_THROTTLE_FAILURES failed attempts for one username from one address
within LOGIN_THROTTLE_WINDOW seconds, sign-in is refused (even with the right password) until
the window passes. Counters live in the cache (CACHES; Redis in production).

TOTP: a user with a confirmed TOTP device is asked for the 6-digit code after the password;
users holding a role of TOTP_REQUIRED_ROLES must enrol (parindex.middleware).
"""

from __future__ import annotations

import hashlib

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

PENDING_USER = "totp_pending_user"
PENDING_BACKEND = "totp_pending_backend"
PENDING_NEXT = "totp_pending_next"


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "-"


def _throttle_key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def login_failures(*, username: str, ip: str) -> int:
    return int(cache.get(_throttle_key(username, ip), 0))


def login_is_throttled(*, username: str, ip: str) -> bool:
    return login_failures(username=username, ip=ip) >= settings.LOGIN_THROTTLE_FAILURES


def login_failure_record(*, username: str, ip: str) -> int:
    """Count one failure; the window starts at the first failure."""
    key = _throttle_key(username, ip)
    cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW)
        return 1


def login_failures_clear(*, username: str, ip: str) -> None:
    cache.delete(_throttle_key(username, ip))


def throttled_message() -> str:
    minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
    return _(
        "Đăng nhập sai quá %(count)s lần. Tài khoản tạm khóa đăng nhập từ địa chỉ này, "
        "vui lòng thử lại sau %(minutes)s phút."
    ) % {"count": settings.LOGIN_THROTTLE_FAILURES, "minutes": minutes}


class ThrottledLoginView(LoginView):
    """Django's login view with throttling and, when the user has one, the TOTP step."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_is_throttled(username=username, ip=_client_ip(request)):
            form = self.get_form()
            return self.render_to_response(
                self.get_context_data(form=form, throttled=throttled_message()), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        ip = _client_ip(self.request)
        login_failure_record(username=username, ip=ip)
        if login_is_throttled(username=username, ip=ip):
            return self.render_to_response(
                self.get_context_data(form=form, throttled=throttled_message()), status=429
            )
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        ip = _client_ip(self.request)
        login_failures_clear(username=self.request.POST.get("username", ""), ip=ip)
        if django_otp.user_has_device(user, confirmed=True):
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_NEXT] = self.get_success_url()
            return redirect("totp_verify")
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def totp_verify(request):
    """Second step of sign-in: the code from the authenticator app."""
    user_id = request.session.get(PENDING_USER)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("login")
    error = None
    ip = _client_ip(request)
    if request.method == "POST":
        if login_is_throttled(username=user.get_username(), ip=ip):
            return render(
                request, "registration/totp_verify.html", {"error": throttled_message()}, status=429
            )
        token = (request.POST.get("token") or "").strip()
        device = None
        for candidate in TOTPDevice.objects.filter(user=user, confirmed=True):
            device = django_otp.verify_token(user, candidate.persistent_id, token)
            if device is not None:
                break
        if device is not None:
            next_url = request.session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL
            backend = request.session.get(PENDING_BACKEND)
            login_failures_clear(username=user.get_username(), ip=ip)
            auth_login(request, user, backend=backend)  # a new session: pending keys are gone
            django_otp.login(request, device)
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
        login_failure_record(username=user.get_username(), ip=ip)
        error = _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại.")
    return render(
        request, "registration/totp_verify.html", {"error": error}, status=400 if error else 200
    )


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (created once, so the shown key stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> TOTPDevice | None:
    """Confirm the pending device with a code from the app; None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@login_required
@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    """Turn on the second factor: shows the otpauth:// URI to add in an authenticator app."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return render(request, "registration/totp_enrol.html", {"enrolled": True})
    error = None
    if request.method == "POST":
        device = totp_device_confirm(user=request.user, token=request.POST.get("token") or "")
        if device is not None:
            django_otp.login(request, device)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = _("Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng.")
    device = totp_device_start(user=request.user)
    return render(
        request,
        "registration/totp_enrol.html",
        {"config_url": device.config_url, "error": error},
        status=400 if error else 200,
    )


class ThrottledObtainAuthToken(ObtainAuthToken):
    """API tokens under the same rules as the sign-in page.

    The same failure counter and refusal as the login form (429 once throttled), and a user
    with a confirmed TOTP device must send the current code as `otp`; a user whose role
    requires TOTP but who has not enrolled gets no token.
    """

    def post(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            return Response({"error": _("Cần gửi tên đăng nhập và mật khẩu.")}, status=400)
        username = str(request.data.get("username", ""))
        ip = _client_ip(request)
        if login_is_throttled(username=username, ip=ip):
            return Response({"error": throttled_message()}, status=429)
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            login_failure_record(username=username, ip=ip)
            return Response({"error": _("Tên đăng nhập hoặc mật khẩu không đúng.")}, status=400)
        user = serializer.validated_data["user"]
        if django_otp.user_has_device(user, confirmed=True):
            code = str(request.data.get("otp", "")).strip()
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if not code or not any(device.verify_token(code) for device in devices):
                login_failure_record(username=username, ip=ip)
                return Response(
                    {"error": _("Cần mã xác thực hai bước hợp lệ (trường “otp”).")}, status=400
                )
        elif totp_required_for(user):
            return Response(
                {"error": _("Tài khoản này phải đăng ký xác thực hai bước trước khi dùng API.")},
                status=403,
            )
        login_failures_clear(username=username, ip=ip)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def totp_required_for(user) -> bool:
    from units.rules import roles_of

    required = set(getattr(settings, "TOTP_REQUIRED_ROLES", []) or [])
    return bool(required) and any(role.kind in required for role in roles_of(user))
