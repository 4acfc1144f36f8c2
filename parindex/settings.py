"""Settings, every one read from the environment with a documented default.

The defaults form the *embedded* configuration: SQLite file, Celery tasks run in-process,
files on local disk. Set DATABASE_URL / CELERY_BROKER_URL to run the production stack
(PostgreSQL, Redis). Every variable is listed in the README and in .env.example.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "parindex.apps.PortalAdminConfig",  # django.contrib.admin behind the portal's sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / ReDoc served locally: no CDN on a closed network
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "parindex",  # project-level management commands: backup, restore, verify_results
    "units",
    "scoring",
    "evidence",
    "reports",
    "appraisal",
]

MIDDLEWARE = [
    "parindex.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "parindex.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "parindex.middleware.NullCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "parindex.middleware.TotpRequiredMiddleware",
    "parindex.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"
AUTH_USER_MODEL = "units.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite file by default; DATABASE_URL=postgres://… for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{os.environ.get('SQLITE_PATH', BASE_DIR / 'db.sqlite3')}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second.
LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Files: local disk by default; any S3-compatible store when S3_BUCKET is set.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("S3_REGION", "") or None,
            "default_acl": None,
            "file_overwrite": False,
        },
    }

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
# A task taken by a worker that dies (no ack: acks_late) goes back to the queue after
# CELERY_VISIBILITY_TIMEOUT seconds (Redis; keep it longer than the slowest task); workers
# look for such tasks every CELERY_UNACKED_RESTORE_INTERVAL seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "60")),
    "unacked_restore_throttle": 1,
}

# Official documents (Decree 30): the Word template with the province's letterhead; empty:
# reports/templates_docx/van-ban.docx.
OFFICIAL_DOCX_TEMPLATE = os.environ.get("OFFICIAL_DOCX_TEMPLATE", "")

# Uploads.
EVIDENCE_MAX_UPLOAD_MB = int(os.environ.get("EVIDENCE_MAX_UPLOAD_MB", "50"))
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Reading evidence (evidence.reading): the PEM bundle of trusted root certificates for the
# digital signatures (empty: no signature is trusted); Tesseract's program (default: PATH).
EVIDENCE_TRUST_ROOTS = os.environ.get("EVIDENCE_TRUST_ROOTS", "")
EVIDENCE_READING = os.environ.get("EVIDENCE_READING", "true").lower() not in ("0", "false", "no")
TESSERACT_CMD = os.environ.get("TESSERACT_CMD", "")
# The Celery queue of the OCR task (empty: the default queue, behind the files already
# waiting); a separate queue lets a dedicated worker do the OCR.
EVIDENCE_OCR_QUEUE = os.environ.get("EVIDENCE_OCR_QUEUE", "")
# OCR is background work: Tesseract runs at this niceness so pages answer first.
EVIDENCE_OCR_NICE = int(os.environ.get("EVIDENCE_OCR_NICE", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "cchc@example.gov.vn")
# The portal's address as its users reach it: links in notification e-mails.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

REST_FRAMEWORK = {
    # Token first: a refused or missing token is answered 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parindex.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    # The domain's errors (refusal, stale version, bad input) as answers: one place.
    "EXCEPTION_HANDLER": "scoring.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PAR Index portal API",
    "DESCRIPTION": "Chỉ số cải cách hành chính — API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Closed government network: the docs' JS/CSS come from drf-spectacular-sidecar, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema enum for the phases, whatever the field is called (`phase`, `to_phase`).
    "ENUM_NAME_OVERRIDES": {"PhaseEnum": "scoring.enums.Phase"},
}

SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # the evidence preview opts in to SAMEORIGIN
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Cache: per-process memory by default; DJANGO_CACHE_URL=redis://… shares it between the
# web processes (login throttling counters live here).
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Sign-in throttling (parindex.throttle): failures per (account, address), per address and per
# account; past the free ones, the Nth failure makes the next attempt wait 2^(N - free) seconds
# (at most LOGIN_THROTTLE_MAX_DELAY); failures are forgotten LOGIN_THROTTLE_WINDOW seconds
# after the last one. The client address is read behind TRUSTED_PROXY_COUNT reverse proxies
# (the n-th X-Forwarded-For entry from the right; 0: REMOTE_ADDR).
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_ADDRESS_FAILURES = int(os.environ.get("LOGIN_THROTTLE_ADDRESS_FAILURES", "20"))
LOGIN_THROTTLE_MAX_DELAY = int(os.environ.get("LOGIN_THROTTLE_MAX_DELAY", str(15 * 60)))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", str(24 * 3600)))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Role kinds (units.enums.RoleKind) that must use a second factor, e.g.
# "secretariat,appraiser"; empty: TOTP is optional for everyone.
TOTP_REQUIRED_ROLES = env_list("TOTP_REQUIRED_ROLES", "")
# Superusers must have a second factor (portal, admin and API) unless this is turned off;
# on by default in production (DJANGO_DEBUG=false), off by default in development.
SUPERUSER_TOTP_REQUIRED = env_bool("SUPERUSER_TOTP_REQUIRED", not DEBUG)
# The one-time code an administrator issues so that such a user can enrol a first device.
TOTP_ENROLMENT_CODE_TTL_HOURS = int(os.environ.get("TOTP_ENROLMENT_CODE_TTL_HOURS", "72"))
# API tokens (POST /api/v1/auth/token/) expire after this many hours; revocable any time.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "24"))
# Report files (queued XLSX/PDF builds, scorecard and plan PDFs) per user per clock hour.
REPORT_BUILDS_PER_HOUR = int(os.environ.get("REPORT_BUILDS_PER_HOUR", "60"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Chi so CCHC")

# Logs: one JSON object per line (DJANGO_LOG_FORMAT=json) or plain text; both carry the
# request id (X-Request-ID) when there is one.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "parindex.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "parindex.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # pyHanko logs every untrusted or altered signature with a traceback; the reading
        # reports those as facts, so only its errors are worth a log line.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Periodic tasks (celery beat): deadline reminders of the appraisal, each e-mail sent once.
CELERY_BEAT_SCHEDULE = {
    "appraisal-deadline-reminders": {
        "task": "appraisal.tasks.deadline_reminders_send",
        "schedule": 3600,  # hourly: a reminder is due within the hour its window opens
    },
}
