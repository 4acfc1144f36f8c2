"""Production settings pass Django's deployment checks; /healthz reports each dependency."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_check_passes_with_the_example_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_", "CLAMD_"))}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    env["DJANGO_MEDIA_ROOT"] = "/tmp/parindex-deploy-check-media"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["storage"] == "ok"
    assert body["checks"]["broker"] in {"ok", "in-process"}


@pytest.mark.django_db
def test_healthz_fails_when_storage_is_unwritable(client, settings, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error")


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/dang-nhap/")
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
