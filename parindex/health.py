"""`/healthz`: is the database, the broker and the file storage usable right now?"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from parindex.celery import app


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _storage() -> str:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("storage returned other content")
    finally:
        default_storage.delete(name)
    return "ok"


@require_safe
def healthz(request):
    checks, healthy = {}, True
    for name, check in (("database", _database), ("broker", _broker), ("storage", _storage)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 — any failure makes the service unhealthy
            checks[name] = f"error: {type(error).__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
