"""python manage.py import_results FILE --year YYYY — a published year's results from CSV/XLSX."""

from django.utils.translation import gettext as _

from scoring.management.file_import import FileImportCommand
from scoring.results_io import ResultsImportError, results_file_read, results_import


class Command(FileImportCommand):
    help = _(
        "Nhập kết quả chỉ số CCHC đã công bố của một năm từ tệp CSV hoặc XLSX với dòng tiêu đề "
        "group_code,group_name,unit_code,unit_name,standard_score,appraised_score,index,band."
    )
    error_class = ResultsImportError
    year_help = _("năm đánh giá")

    def run_import(self, path, year):
        return results_import(year=year, rows=results_file_read(path))
