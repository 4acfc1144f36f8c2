"""python manage.py report_document --year YYYY --kind report|supplement-request|decision|unit-notice
[--unit CODE] [--format docx|pdf] --out FILE — an official document in the Decree 30 format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.enums import DOCUMENT_FORMATS, DOCUMENT_KINDS, UNIT_DOCUMENT_KINDS, FileFormat
from reports.official.builders import official_document
from reports.services import official_bytes
from scoring.models import Period
from units.models import Unit


class Command(BaseCommand):
    help = _(
        "Soạn một văn bản theo Nghị định 30/2020/NĐ-CP từ số liệu của năm: báo cáo chỉ số và "
        "xếp hạng (report), công văn đề nghị bổ sung (supplement-request), quyết định công bố "
        "(decision), thông báo kết quả của đơn vị (unit-notice). Văn bản chưa cấp số là bản dự "
        "thảo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("năm đánh giá"))
        parser.add_argument(
            "--kind", required=True, choices=list(DOCUMENT_KINDS), help=_("loại văn bản")
        )
        parser.add_argument(
            "--unit", help=_("mã đơn vị (bắt buộc với supplement-request và unit-notice)")
        )
        parser.add_argument(
            "--format",
            default=FileFormat.DOCX,
            choices=list(DOCUMENT_FORMATS),
            help=_("docx (mặc định) hoặc pdf"),
        )
        parser.add_argument("--out", required=True, help=_("tệp kết quả"))

    def handle(self, *args, year: int, kind: str, unit: str | None, out: str, **options):
        file_format = options["format"]
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(_("Không có kỳ đánh giá năm %(y)s.") % {"y": year})
        unit_obj = None
        if kind in UNIT_DOCUMENT_KINDS:
            if not unit:
                raise CommandError(
                    _("Văn bản loại %(k)s cần --unit (mã đơn vị nhận văn bản).") % {"k": kind}
                )
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(_("Không có đơn vị mã “%(c)s”.") % {"c": unit})
            if not period.assessments.filter(unit=unit_obj).exists() and not (
                period.results.filter(unit=unit_obj).exists()
            ):
                raise CommandError(
                    _("Đơn vị “%(c)s” không được đánh giá trong năm %(y)s.")
                    % {"c": unit, "y": year}
                )
        elif unit:
            raise CommandError(_("Văn bản loại %(k)s không dùng --unit.") % {"k": kind})
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(_("Không có thư mục %(d)s.") % {"d": target.parent})
        document = official_document(kind, period, unit_obj)
        content = official_bytes(document, file_format)
        target.write_bytes(content)
        state = _("dự thảo") if document.header.draft else document.header.number_line
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã ghi %(f)s (%(n)s KB, %(s)s).")
                % {"f": target, "n": max(1, len(content) // 1024), "s": state}
            )
        )
