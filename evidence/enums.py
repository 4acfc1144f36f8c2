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


class ReadingState(models.TextChoices):
    """The reading of a file's content (evidence.tasks.evidence_read_task)."""

    PENDING = "pending", _("Đang chờ đọc")
    RUNNING = "running", _("Đang đọc")
    DONE = "done", _("Đã đọc")
    FAILED = "failed", _("Chưa đọc được")


class TextSource(models.TextChoices):
    TEXT = "text", _("lớp chữ của tệp")
    OCR = "ocr", _("nhận dạng chữ (OCR)")
    NONE = "none", _("không có chữ")


class ReadingField(models.TextChoices):
    """The fields of a document that a person may correct (the inspect_evidence keys)."""

    NUMBER = "number", _("Số")
    SYMBOL = "symbol", _("Ký hiệu")
    ISSUED_ON = "issued_on", _("Ngày ban hành")
    PLACE = "place", _("Địa danh")
    ISSUER = "issuer", _("Cơ quan ban hành")
    PARENT_ISSUER = "parent_issuer", _("Cơ quan chủ quản")
    DOC_TYPE = "doc_type", _("Loại văn bản")
    TITLE = "title", _("Trích yếu")
    SIGNER = "signer", _("Người ký")
    SIGNER_TITLE = "signer_title", _("Chức vụ người ký")
