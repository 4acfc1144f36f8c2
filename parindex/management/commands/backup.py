"""`manage.py backup [--out backups/<timestamp>]`: database + files + manifest (see
parindex.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parindex.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp đã tải lên vào một thư mục, kèm manifest SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="thư mục đích (mặc định backups/<thời điểm>)")

    def handle(self, *args, out=None, **options):
        target = (
            Path(out)
            if out
            else (Path(settings.BASE_DIR) / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S"))
        )
        try:
            summary = backup_create(out=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu {summary.rows} bản ghi và {summary.media_files} tệp vào {summary.path}"
            )
        )
