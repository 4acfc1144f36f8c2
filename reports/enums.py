from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReportKind(models.TextChoices):
    """The province-wide reports that are built as files in the background."""

    PUBLISHED = "published", _("Báo cáo công bố chỉ số CCHC")
    CRITERIA = "criteria", _("Phân tích theo tiêu chí")
    SELF_GAP = "self_gap", _("Tự đánh giá so với thẩm định")
    FLAGS = "flags", _("Trách nhiệm người đứng đầu")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"
