"""python manage.py import_results FILE --year YYYY — a published year's results from CSV/XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.results_io import ResultsImportError, results_file_read, results_import


class Command(BaseCommand):
    help = _(
        "Nhập kết quả chỉ số CCHC đã công bố của một năm từ tệp CSV hoặc XLSX với dòng tiêu đề "
        "group_code,group_name,unit_code,unit_name,standard_score,appraised_score,index,band."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8, dấu phẩy hoặc chấm phẩy) hoặc XLSX"))
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))

    def handle(self, *args, file: str, year: int, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": file})
        try:
            summary = results_import(year=year, rows=results_file_read(path))
        except ResultsImportError as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được tệp %(path)s: %(count)d lỗi, chưa lưu dữ liệu nào.")
                % {"path": file, "count": len(exc.errors)}
            ) from None
        self.stdout.write(self.style.SUCCESS(summary.message()))
