"""Project-wide middleware: security headers, request ids, the TOTP requirement."""

import logging
import re
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from parindex.accounts import totp_required_for
from parindex.logging import request_id_var

logger = logging.getLogger("parindex")

# Everything is served from our own origin (no CDN: the portal runs on closed networks).
DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; "
    "base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy and friends, which Django 5.2 does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tags the request's log records with an id (a proxy's X-Request-ID, else a new one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class TotpRequiredMiddleware:
    """Users holding a role of settings.TOTP_REQUIRED_ROLES must pass a second factor.

    Such a user who is signed in but not verified (no confirmed device yet) is sent to the
    enrolment page; everything else stays out of reach until then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            needs = totp_required_for(user)
            verified = getattr(user, "is_verified", lambda: False)()
            if needs and not verified:
                allowed = {
                    reverse("totp_enrol"),
                    reverse("logout"),
                    reverse("totp_verify"),
                    reverse("set_language"),
                }
                if request.path not in allowed and not request.path.startswith(
                    (settings.STATIC_URL, "/healthz")
                ):
                    return redirect("totp_enrol")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """The database went away during a request: answer 503 with a Vietnamese message.

    The request's transaction was rolled back with the connection, so nothing of it was
    saved; the page says so, and the broken connection is dropped for the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable: %s: %s",
            type(exception).__name__,
            exception,
            extra={"path": request.path},
        )
        for conn in connections.all(initialized_only=True):
            if conn.in_atomic_block:
                continue  # the outer atomic (e.g. ATOMIC_REQUESTS) rolls back and closes it
            conn.close_if_unusable_or_obsolete()
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response.render()


class NullCharacterMiddleware:
    """Refuse input carrying a NUL character, with a Vietnamese message and nothing saved.

    PostgreSQL cannot store NUL in text, so such input would end as a server error deep in a
    save. Django's forms refuse it field by field; this covers the views and API endpoints that
    read POST data or JSON directly: form and JSON bodies are checked before the view, and a
    NUL that still reaches the database (multipart bodies, which their views must parse
    themselves) is answered the same way — the service's transaction has rolled back.
    """

    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def refusal():
        message = _("Dữ liệu gửi lên có ký tự không hợp lệ (NUL); không có gì được lưu.")
        return JsonResponse({"error": message}, status=400)

    def __call__(self, request):
        if request.method in {"POST", "PUT", "PATCH"}:
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith(self.FORM):
                found = any("\x00" in v for _key, values in request.POST.lists() for v in values)
            elif content_type.startswith("application/json"):
                found = b"\x00" in request.body or b"\\u0000" in request.body
            else:
                found = False
            if found:
                return self.refusal()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ValueError) and "NUL (0x00)" in str(exception):
            return self.refusal()
        return None


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise (the language cookie set by set_language).

    Django's LocaleMiddleware would follow the browser's Accept-Language, turning the portal
    English for every civil servant whose browser happens to be set to English; a government
    portal of a Vietnamese province speaks Vietnamese until asked not to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
