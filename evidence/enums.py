from django.db import models
from django.utils.translation import gettext_lazy as _


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Chưa quét mã độc")
    CLEAN = "clean", _("Đã quét, không có mã độc")


class FileKind(models.TextChoices):
    """The allowlisted types, decided by content (evidence.validation)."""

    PDF = "pdf", "PDF"
    DOC = "doc", "Word (.doc)"
    XLS = "xls", "Excel (.xls)"
    DOCX = "docx", "Word (.docx)"
    XLSX = "xlsx", "Excel (.xlsx)"
    ODT = "odt", "OpenDocument (.odt)"
    ODS = "ods", "OpenDocument (.ods)"
    JPEG = "jpg", "JPEG"
    PNG = "png", "PNG"
