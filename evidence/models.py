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

from .enums import FileKind, ScanStatus


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
