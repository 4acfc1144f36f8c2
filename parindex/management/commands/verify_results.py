"""`manage.py verify_results --year 2024`: recompute a published year and compare (no writes).

Exit code 0 when the stored results equal the recomputation, 1 (and every difference
listed) otherwise. Prints the stored results' SHA-256 and the hash of their inputs.
"""

from django.core.management.base import BaseCommand, CommandError

from parindex.integrity import results_verify
from scoring.enums import Stage
from scoring.models import Period


class Command(BaseCommand):
    help = "Tính lại kết quả đã công bố của một năm từ điểm đã lưu và báo mọi chênh lệch."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", default=Stage.FINAL, choices=Stage.values)
        parser.add_argument(
            "--allow-unpublished",
            action="store_true",
            help="also check a year that is not published yet",
        )

    def handle(self, *args, year, stage, allow_unpublished, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        if not period.is_published and not allow_unpublished:
            raise CommandError(f"Kết quả năm {year} chưa công bố.")
        check = results_verify(period=period, stage=stage)
        self.stdout.write(f"year: {check.year} stage: {check.stage}")
        self.stdout.write(f"stored results sha256: {check.stored_hash}")
        self.stdout.write(f"recomputed sha256:     {check.recomputed_hash or '-'}")
        self.stdout.write(f"inputs sha256:         {check.inputs_hash}")
        self.stdout.write(
            f"units checked: {check.units_checked}, imported (not recomputable): {check.imported}"
        )
        if check.ok:
            self.stdout.write(self.style.SUCCESS("OK: kết quả đã lưu khớp với kết quả tính lại."))
            return
        for line in check.differences:
            self.stdout.write(f"DIFF {line}")
        raise CommandError(
            f"{len(check.differences)} chênh lệch giữa kết quả đã lưu và kết quả tính lại.",
            returncode=1,
        )
