from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services import ImportRowsError, sipas_import
from scoring.models import Period


class Command(BaseCommand):
    help = "Nhập chỉ số hài lòng (SIPAS) theo đơn vị từ CSV/XLSX: unit_code,sipas."
    service = staticmethod(sipas_import)

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, file, year, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            summary = self.service(
                actor=None, period=period, content=path.read_bytes(), filename=path.name
            )
        except ImportRowsError as error:
            raise CommandError(
                "Không nhập được; chưa lưu dòng nào:\n" + "\n".join(error.errors)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Đã nhập {summary.rows} dòng cho năm {year}."))
