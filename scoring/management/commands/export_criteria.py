from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.criteria_io import criteria_export
from scoring.models import Period


class Command(BaseCommand):
    help = "Xuất bộ tiêu chí của một năm ra tệp Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="Đường dẫn tệp .xlsx")

    def handle(self, *args, year, out, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        Path(out).write_bytes(criteria_export(period=period))
        self.stdout.write(f"Đã xuất bộ tiêu chí năm {year} ra {out}.")
