"""python manage.py import_unit_changes FILE --year YYYY — a year's lineage from CSV/XLSX."""

from django.utils.translation import gettext as _

from scoring.management.file_import import FileImportCommand
from scoring.unit_changes import UnitChangesError, unit_changes_file_read, unit_changes_import


class Command(FileImportCommand):
    help = _(
        "Nhập thay đổi đơn vị của một năm (hợp nhất, chia tách, đổi tên, đơn vị mới) từ tệp CSV "
        "hoặc XLSX với dòng tiêu đề successor_code,successor_name,group_code,predecessor_codes,"
        "basis; predecessor_codes cách nhau bởi dấu chấm phẩy; basis là mean, none hoặc một mã "
        "đơn vị cũ."
    )
    error_class = UnitChangesError
    year_help = _("năm của các đơn vị mới")

    def run_import(self, path, year):
        return unit_changes_import(
            actor=None, year=year, rows=unit_changes_file_read(path), source=path.name
        )
