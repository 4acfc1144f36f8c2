"""Evidence files (tài liệu kiểm chứng) of a unit's dossier and their links to leaves.

Nothing is overwritten or physically deleted: a removed file or link keeps its row (and the
stored object) with who/when it was removed, and disappears from lists.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scoring.enums import Stage
from scoring.models import Assessment, Criterion

from .enums import FileKind, ReadingField, ReadingState, ScanStatus, TextSource


class EvidenceFile(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="evidence_files"
    )
    storage_key = models.CharField(_("khoá lưu trữ"), max_length=255, unique=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=8, choices=FileKind.choices)
    content_type = models.CharField(_("kiểu nội dung"), max_length=120)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices, default=Stage.SELF)
    scan_status = models.CharField(
        _("kiểm tra mã độc"),
        max_length=12,
        choices=ScanStatus.choices,
        default=ScanStatus.NOT_SCANNED,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    removed_at = models.DateTimeField(_("thời điểm gỡ bỏ"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        constraints = [
            # The same content is stored once per dossier (among files not removed).
            models.UniqueConstraint(
                fields=["assessment", "sha256"],
                condition=Q(removed_at__isnull=True),
                name="evidencefile_unique_content",
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def previewable(self) -> bool:
        return self.kind in PREVIEWABLE_KINDS


PREVIEWABLE_KINDS = {FileKind.PDF, FileKind.JPEG, FileKind.PNG}


class EvidenceLink(models.Model):
    """A file backing a leaf; one file may back several leaves."""

    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="links")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("thời điểm liên kết"), default=timezone.now)
    removed_at = models.DateTimeField(_("thời điểm gỡ liên kết"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["linked_at", "id"]
        verbose_name = _("liên kết tài liệu với tiêu chí")
        verbose_name_plural = _("liên kết tài liệu với tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["file", "criterion"],
                condition=Q(removed_at__isnull=True),
                name="evidencelink_unique_active",
            )
        ]

    def __str__(self):
        return f"{self.file} → {self.criterion.code}"


class EvidenceReading(models.Model):
    """What was read from a file's content (evidence.reading): the Decree 30 header fields,
    the digital signatures, the file's own warnings, and how the reading went.

    Kept as read: corrections are separate rows (ReadingCorrection) laid over `fields`.
    Recomputed from the stored file by the task, so running it twice gives the same row.
    """

    file = models.OneToOneField(EvidenceFile, on_delete=models.CASCADE, related_name="reading")
    state = models.CharField(
        _("trạng thái đọc"),
        max_length=8,
        choices=ReadingState.choices,
        default=ReadingState.PENDING,
    )
    text_source = models.CharField(
        _("nguồn chữ"), max_length=4, choices=TextSource.choices, blank=True
    )
    is_document = models.BooleanField(_("là văn bản hành chính"), default=False)
    is_draft = models.BooleanField(_("bản dự thảo"), default=False)
    fields = models.JSONField(_("thông tin đọc được"), default=dict, blank=True)
    signatures = models.JSONField(_("chữ ký số"), default=list, blank=True)
    warnings = models.JSONField(_("cảnh báo của tệp"), default=list, blank=True)
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    pages_read = models.JSONField(_("các trang đã đọc"), default=list, blank=True)
    ocr_pages = models.JSONField(_("nhận dạng chữ từng trang"), default=list, blank=True)
    timings = models.JSONField(_("thời gian (ms)"), default=dict, blank=True)
    text = models.TextField(_("chữ đọc được (trích)"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    reader_version = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(_("thời điểm xếp hàng"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu đọc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("đọc xong"), null=True, blank=True)
    # issuer | number | symbol | year of the fields in force (corrections included), folded:
    # two files with the same key and different content are one number used twice.
    number_key = models.CharField(max_length=300, blank=True, db_index=True)

    class Meta:
        verbose_name = _("kết quả đọc tài liệu")
        verbose_name_plural = _("kết quả đọc tài liệu")

    def __str__(self):
        return f"{self.file} ({self.get_state_display()})"


class ReadingCorrection(models.Model):
    """A field of a reading corrected by a person; the reading itself is never changed.
    The latest correction of a field is in force; older ones stay as history."""

    reading = models.ForeignKey(
        EvidenceReading, on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(_("thông tin"), max_length=16, choices=ReadingField.choices)
    old_value = models.CharField(_("giá trị trước"), max_length=500, blank=True)
    value = models.CharField(_("giá trị sửa"), max_length=500, blank=True)  # "": cleared
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    corrected_at = models.DateTimeField(_("thời điểm sửa"), default=timezone.now)

    class Meta:
        ordering = ["corrected_at", "id"]
        verbose_name = _("sửa thông tin đọc được")
        verbose_name_plural = _("sửa thông tin đọc được")

    def __str__(self):
        return f"{self.get_field_display()}: {self.value}"


class WarningsConfirmation(models.Model):
    """The head submitted the dossier knowing these evidence warnings (a snapshot)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("thời điểm xác nhận"), default=timezone.now)
    warnings = models.JSONField(_("các cảnh báo đã xác nhận"), default=list)

    class Meta:
        ordering = ["confirmed_at", "id"]
        verbose_name = _("xác nhận cảnh báo tài liệu")
        verbose_name_plural = _("xác nhận cảnh báo tài liệu")

    def __str__(self):
        return f"{self.assessment} ({len(self.warnings)})"
