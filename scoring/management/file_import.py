"""`manage.py <import> FILE --year YYYY`: the shape shared by the file imports of scoring."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class FileImportCommand(BaseCommand):
    """Reads FILE for --year, imports all or nothing, prints every error (with its line).

    Subclasses set `error_class` (an exception with `errors`) and `year_help`, and implement
    `run_import(path, year)`, which returns a summary with a `message()`.
    """

    error_class: type[Exception] = Exception
    year_help = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8, dấu phẩy hoặc chấm phẩy) hoặc XLSX"))
        parser.add_argument("--year", type=int, required=True, help=self.year_help)

    def run_import(self, path: Path, year: int):
        raise NotImplementedError

    def handle(self, *args, file: str, year: int, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": file})
        try:
            summary = self.run_import(path, year)
        except self.error_class as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được tệp %(path)s: %(count)d lỗi, chưa lưu dữ liệu nào.")
                % {"path": file, "count": len(exc.errors)}
            ) from None
        self.stdout.write(self.style.SUCCESS(summary.message()))
