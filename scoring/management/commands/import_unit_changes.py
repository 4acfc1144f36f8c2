"""python manage.py import_unit_changes FILE --year YYYY — a year's lineage from CSV/XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.unit_changes import UnitChangesError, unit_changes_file_read, unit_changes_import


class Command(BaseCommand):
    help = _(
        "Nhập thay đổi đơn vị của một năm (hợp nhất, chia tách, đổi tên, đơn vị mới) từ tệp CSV "
        "hoặc XLSX với dòng tiêu đề successor_code,successor_name,group_code,predecessor_codes,"
        "basis; predecessor_codes cách nhau bởi dấu chấm phẩy; basis là mean, none hoặc một mã "
        "đơn vị cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp CSV (UTF-8, dấu phẩy hoặc chấm phẩy) hoặc XLSX"))
        parser.add_argument("--year", type=int, required=True, help=_("năm của các đơn vị mới"))

    def handle(self, *args, file: str, year: int, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": file})
        try:
            summary = unit_changes_import(
                actor=None, year=year, rows=unit_changes_file_read(path), source=path.name
            )
        except UnitChangesError as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được tệp %(path)s: %(count)d lỗi, chưa lưu dữ liệu nào.")
                % {"path": file, "count": len(exc.errors)}
            ) from None
        self.stdout.write(self.style.SUCCESS(summary.message()))
