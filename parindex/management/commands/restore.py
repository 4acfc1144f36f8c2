"""`manage.py restore PATH`: restore a backup into an EMPTY database (see parindex.backup)."""

from django.core.management.base import BaseCommand, CommandError

from parindex.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu vào cơ sở dữ liệu trống (kiểm tra mã băm trước và sau)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="thư mục sao lưu (có manifest.json)")

    def handle(self, *args, path, **options):
        try:
            summary = backup_restore(path=path, stdout=self.stdout)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục {summary.rows} bản ghi và {summary.media_files} tệp từ {summary.path}"
            )
        )
