"""make backup / make restore: a published year and its evidence files survive a round trip
into a fresh database (a second SQLite file, or a new PostgreSQL database)."""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from evidence.models import EvidenceFile
from evidence.services import evidence_upload
from scoring.enums import Phase, Stage
from scoring.models import Period
from scoring.selectors import results_report
from scoring.services import results_compute
from tests import factories as f
from tests.evidence.files import docx_bytes, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent.parent

# Run in the restored database's process: the published report and every file's hash.
PROBE = """
import hashlib, json
from django.core.files.storage import default_storage
from evidence.models import EvidenceFile
from scoring.models import Period
from scoring.selectors import results_report
period = Period.objects.get(year=2023)
files = {}
for e in EvidenceFile.objects.order_by("storage_key"):
    with default_storage.open(e.storage_key) as h:
        files[e.storage_key] = [e.sha256, hashlib.sha256(h.read()).hexdigest()]
print("PROBE " + json.dumps({"report": results_report(period=period), "files": files}))
"""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""


def _published_year_with_evidence():
    group = f.make_group()
    period = f.make_period(2023, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    for n, values in enumerate((("2", "1"), ("2", "2"), ("0", "0.5"))):
        unit = f.make_unit(group, name=f"Sở số {n} — Tư pháp")
        assessment = f.make_assessment(period, unit)
        staff = f.make_user(f.RoleKind.AGENCY_STAFF, unit)
        evidence_upload(
            actor=staff,
            assessment=assessment,
            criterion=nodes["1.1"],
            uploaded_file=SimpleUploadedFile(
                f"ke-hoach-{n}.pdf", pdf_bytes(f"KH {n}"), content_type="application/pdf"
            ),
        )
        evidence_upload(
            actor=staff,
            assessment=assessment,
            criterion=nodes["1.2"],
            uploaded_file=SimpleUploadedFile(f"bao-cao {n}.docx", docx_bytes(f"BC {n}")),
        )
        f.set_score(assessment, nodes["1.1"], values[0])
        f.set_score(assessment, nodes["2.1"], values[1])
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND2)
    period.refresh_from_db()
    results_compute(period=period, stage=Stage.FINAL)
    Period.objects.filter(pk=period.pk).update(phase=Phase.PUBLISHED)
    period.refresh_from_db()
    return period


def _expected(period):
    files = {}
    for e in EvidenceFile.objects.order_by("storage_key"):
        with default_storage.open(e.storage_key) as handle:
            files[e.storage_key] = [e.sha256, hashlib.sha256(handle.read()).hexdigest()]
    return {"report": results_report(period=period), "files": files}


def _base_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_PATH", "CELERY_"))
    }
    env["DJANGO_MEDIA_ROOT"] = str(tmp_path / "restored-media")
    return env


@pytest.fixture
def fresh_database(tmp_path):
    """Environment of a process pointed at a new, empty database; dropped afterwards."""
    env = _base_env(tmp_path)
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(tmp_path / "restored.sqlite3")
        yield env
        return
    if connection.vendor != "postgresql":
        pytest.skip("backup/restore round trip covers SQLite and PostgreSQL")
    import psycopg2

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env["DATABASE_URL"] = (
        f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )
    try:
        yield env
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db
def test_backup_then_restore_into_a_fresh_database_gives_the_same_results_and_files(
    tmp_path, fresh_database
):
    period = _published_year_with_evidence()
    expected = _expected(period)
    assert len(expected["files"]) == 6
    assert all(stored == actual for stored, actual in expected["files"].values())

    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"db.json", "media.tar.gz"}
    assert len(manifest["media"]) == 6

    restored = _manage(fresh_database, "restore", str(out))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    probe = _manage(fresh_database, "shell", "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    line = next(x for x in probe.stdout.splitlines() if x.startswith("PROBE "))
    assert json.loads(line.removeprefix("PROBE ")) == expected
    verify = _manage(fresh_database, "verify_results", "--year", "2023")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    again = _manage(fresh_database, "restore", str(out))
    assert again.returncode == 1 and "Cơ sở dữ liệu đích đã có dữ liệu" in again.stderr


@pytest.mark.django_db
def test_restore_refuses_a_backup_whose_files_do_not_match_the_manifest(tmp_path, fresh_database):
    _published_year_with_evidence()
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    with (out / "db.json").open("a") as handle:
        handle.write(" ")
    result = _manage(fresh_database, "restore", str(out))
    assert result.returncode == 1
    assert "không khớp mã băm" in result.stderr
    assert not (tmp_path / "restored-media").exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_data(tmp_path):
    _published_year_with_evidence()
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("restore", str(out))


@pytest.mark.django_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("backup", "--out", str(tmp_path / "old"))
