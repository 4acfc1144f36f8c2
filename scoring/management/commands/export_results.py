"""python manage.py export_results --year YYYY --format json|csv — a year's results."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring.models import Period
from scoring.results_io import results_csv
from scoring.selectors import results_report


class Command(BaseCommand):
    help = _("Xuất kết quả chỉ số CCHC của một năm (JSON hoặc CSV) ra đầu ra chuẩn.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument(
            "--format",
            choices=["json", "csv"],
            default="json",
            dest="output_format",
            help=_("định dạng: json (mặc định) hoặc csv"),
        )

    def handle(self, *args, year: int, output_format: str, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(_("Không có kỳ đánh giá năm %(year)s.") % {"year": year})
        report = results_report(period=period)
        if output_format == "csv":
            self.stdout.write(results_csv(report), ending="")
        else:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
