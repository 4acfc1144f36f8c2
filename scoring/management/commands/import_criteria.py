from django.core.management.base import BaseCommand, CommandError

from scoring.criteria_io import CriteriaError, criteria_import, criteria_parse


class Command(BaseCommand):
    help = "Nhập (tạo hoặc thay thế) bộ tiêu chí của một năm từ tệp Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, file, year, **options):
        try:
            with open(file, "rb") as handle:
                rows, errors = criteria_parse(handle)
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {file}: {error}") from None
        if not errors:
            try:
                criteria_import(actor=None, year=year, rows=rows)
            except CriteriaError as error:
                errors = error.errors
        if errors:
            raise CommandError("Không nhập được bộ tiêu chí:\n" + "\n".join(errors))
        self.stdout.write(f"Đã nhập {len(rows)} tiêu chí cho năm {year}.")
