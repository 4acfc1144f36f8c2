"""Backup and restore of the whole portal: the database (Django `dumpdata`, so the same backup
restores on SQLite or PostgreSQL) and the uploaded files, with a manifest of SHA-256 hashes.

A backup is a folder:
    db.json          every row except content types, permissions and sessions (recreated by
                     `migrate` / not worth keeping); foreign keys to content types and
                     permissions by natural key, so they match the target's own rows
    media.tar.gz     MEDIA_ROOT (evidence files, generated reports)
    manifest.json    format, time, Django version, database vendor, the migration state,
                     SHA-256 and size of both files and of every media file

Restore goes only into an empty database: it verifies the manifest first, then `migrate`,
`loaddata` (in one transaction) and extracts the files, and checks every file's hash again.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "parindex-backup/1"
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why (Vietnamese)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    media_files: int


def backup_create(*, out: Path) -> BackupSummary:
    """Write a backup folder at `out` (must not exist or be empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"Thư mục {out} đã có dữ liệu; hãy chọn thư mục sao lưu mới.")
    out.mkdir(parents=True, exist_ok=True)

    db_path = out / "db.json"
    with db_path.open("w", encoding="utf-8") as handle:
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            indent=None,
            stdout=handle,
        )
    rows = len(json.loads(db_path.read_text(encoding="utf-8")))

    media = _media_root()
    media_hashes: dict[str, dict] = {}
    media_path = out / "media.tar.gz"
    with tarfile.open(media_path, "w:gz") as archive:
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                name = path.relative_to(media).as_posix()
                if name.startswith("healthz/"):
                    continue
                media_hashes[name] = {"sha256": sha256_file(path), "size": path.stat().st_size}
                archive.add(path, arcname=name, recursive=False)

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "database_vendor": connection.vendor,
        "rows": rows,
        "migrations": sorted(
            f"{app}.{name}"
            for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name")
        ),
        "files": {
            name: {"sha256": sha256_file(out / name), "size": (out / name).stat().st_size}
            for name in ("db.json", "media.tar.gz")
        },
        "media": media_hashes,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    return BackupSummary(path=out, rows=rows, media_files=len(media_hashes))


def backup_verify(*, path: Path) -> dict:
    """The manifest, after checking the backup's files against it."""
    path = Path(path)
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"Không tìm thấy {manifest_path}: đây không phải bản sao lưu.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng sao lưu không hỗ trợ: {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        target = path / name
        if not target.is_file():
            raise BackupError(f"Bản sao lưu thiếu tệp {name}.")
        if sha256_file(target) != expected["sha256"]:
            raise BackupError(
                f"Tệp {name} không khớp mã băm SHA-256 trong manifest: đã bị hỏng hoặc bị sửa."
            )
    return manifest


def _project_models():
    excluded_apps = {"contenttypes", "sessions"}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps
        and model._meta.label_lower != "auth.permission"
        and model._meta.managed
        and not model._meta.proxy
    ]


def database_is_empty() -> bool:
    """No table of ours holds a row (content types and permissions do not count)."""
    tables = set(connection.introspection.table_names())
    for model in _project_models():
        if model._meta.db_table in tables and model._default_manager.using("default").exists():
            return False
    return True


def _media_is_free(manifest: dict) -> list[str]:
    """Media names of the backup that already exist with other content in MEDIA_ROOT."""
    media = _media_root()
    clashes = []
    for name, expected in manifest["media"].items():
        target = media / name
        if target.exists() and sha256_file(target) != expected["sha256"]:
            clashes.append(name)
    return clashes


def backup_restore(*, path: Path, stdout=None) -> BackupSummary:
    """Restore a verified backup into an empty database and MEDIA_ROOT."""
    path = Path(path)
    manifest = backup_verify(path=path)
    if not database_is_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu. Chỉ khôi phục vào cơ sở dữ liệu "
            "trống (tạo cơ sở dữ liệu mới rồi chạy lại)."
        )
    clashes = _media_is_free(manifest)
    if clashes:
        raise BackupError(
            f"Thư mục tệp đích đã có {len(clashes)} tệp khác nội dung cùng tên "
            f"(ví dụ {clashes[0]}); hãy dùng thư mục trống."
        )
    call_command("migrate", interactive=False, verbosity=0, stdout=stdout or io.StringIO())
    with transaction.atomic():
        call_command("loaddata", str(path / "db.json"), verbosity=0)

    media = _media_root()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path / "media.tar.gz", "r:gz") as archive:
        members = archive.getmembers()
        names = {m.name for m in members if m.isfile()}
        if names != set(manifest["media"]):
            raise BackupError("Danh sách tệp trong media.tar.gz khác manifest.")
        archive.extractall(media, filter="data")  # refuses absolute paths, '..' and links
    for name, expected in manifest["media"].items():
        if sha256_file(media / name) != expected["sha256"]:
            raise BackupError(f"Tệp {name} sau khi giải nén không khớp mã băm.")
    return BackupSummary(path=path, rows=manifest["rows"], media_files=len(manifest["media"]))
