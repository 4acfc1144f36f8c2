from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReportKind(models.TextChoices):
    """The reports built as files in the background.

    The first four are the data annexes (tables and charts, XLSX or PDF); the last four are
    the official documents in the Decree 30 format (DOCX or PDF), whose values are also the
    `--kind` of `manage.py report_document` and the slugs of their URLs.
    """

    PUBLISHED = "published", _("Báo cáo công bố chỉ số CCHC")
    CRITERIA = "criteria", _("Phân tích theo tiêu chí")
    SELF_GAP = "self_gap", _("Tự đánh giá so với thẩm định")
    FLAGS = "flags", _("Trách nhiệm người đứng đầu")
    YEAR_REPORT = "report", _("Báo cáo chỉ số và xếp hạng CCHC (văn bản)")
    SUPPLEMENT_REQUEST = "supplement-request", _("Công văn đề nghị bổ sung tài liệu kiểm chứng")
    DECISION = "decision", _("Quyết định phê duyệt, công bố Chỉ số CCHC")
    UNIT_NOTICE = "unit-notice", _("Thông báo kết quả Chỉ số CCHC của đơn vị")


# The official documents; the per-unit ones need a unit.
DOCUMENT_KINDS = (
    ReportKind.YEAR_REPORT,
    ReportKind.SUPPLEMENT_REQUEST,
    ReportKind.DECISION,
    ReportKind.UNIT_NOTICE,
)
UNIT_DOCUMENT_KINDS = (ReportKind.SUPPLEMENT_REQUEST, ReportKind.UNIT_NOTICE)
PROVINCE_DOCUMENT_KINDS = (ReportKind.YEAR_REPORT, ReportKind.DECISION)


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


# The data annexes come as spreadsheets or PDF; the official documents as Word or PDF.
TABLE_FORMATS = (FileFormat.XLSX, FileFormat.PDF)
DOCUMENT_FORMATS = (FileFormat.DOCX, FileFormat.PDF)


@dataclass(frozen=True)
class DocumentTarget:
    """What a permission on an official document is asked about: the year, the kind and,
    for the per-unit documents, the unit (units.Unit)."""

    period: object  # scoring.Period
    kind: str
    unit: object | None = None
