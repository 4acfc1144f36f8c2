"""The deployment files and the settings contract: what docker-compose and the README promise."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_subprocess(env: dict) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
        " 'name': settings.DATABASES['default']['NAME'],"
        " 'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL,"
        " 'storage': settings.STORAGES['default']['BACKEND'], 'debug': settings.DEBUG}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "S3_BUCKET", "DJANGO_DEBUG"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="parindex.settings")
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_embedded_default_needs_nothing_installed():
    s = _settings_in_subprocess({})
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["eager"] is True and s["broker"] == ""
    assert s["storage"] == "django.core.files.storage.FileSystemStorage"


def test_settings_production_stack_from_the_environment():
    s = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/parindex",
            "CELERY_BROKER_URL": "redis://cache.example:6379/0",
            "S3_BUCKET": "evidence",
        }
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "parindex"
    assert s["eager"] is False and s["broker"] == "redis://cache.example:6379/0"
    assert s["storage"] == "storages.backends.s3.S3Storage"


def test_docker_compose_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    settings_text = (ROOT / "parindex" / "settings.py").read_text()
    names = set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', settings_text))
    names |= set(re.findall(r'env_(?:bool|list)\("([A-Z0-9_]+)"', settings_text))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    missing = sorted(n for n in names | example if f"`{n}`" not in readme)
    assert not missing, f"README does not document: {missing}"


def test_makefile_has_the_contract_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run:", "setup:", "test:", "lint:", "bench:"):
        assert re.search(rf"^{target}", makefile, re.M), target
