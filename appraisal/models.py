"""The two-round appraisal: assignments, cross-checks, council approvals, the audit trail.

Scores themselves stay in scoring.LeafScore (stage round1 / final); this app keeps who was
asked to do what, and the record of every change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.enums import FileKind, ScanStatus
from scoring.enums import Stage
from scoring.models import Assessment, Criterion, Period
from units.models import Unit

from .enums import CouncilDecision, CrossCheckDecision, CrossCheckKind, NotificationKind


class Assignment(models.Model):
    """A (field × unit) given to one appraiser for the year."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="+", limit_choices_to={"level": "field"}
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appraisal_assignments"
    )
    round1_done_at = models.DateTimeField(_("hoàn thành lần 1"), null=True, blank=True)
    final_done_at = models.DateTimeField(_("hoàn thành lần 2"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "unit__group__order", "unit__order", "unit__code", "field__order"]
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")
        constraints = [
            # One appraiser per field of a unit: "whose item is this" has one answer.
            models.UniqueConstraint(
                fields=["period", "field", "unit"], name="assignment_unique_item"
            ),
        ]

    def __str__(self):
        return f"{self.field.code} × {self.unit.code} → {self.appraiser}"


class CrossCheck(models.Model):
    """A score an appraiser gave to their own home unit, or an exemption they proposed for
    it, to be checked by another unit's member.

    One row per (assessment, node, stage, kind); a new provisional value re-opens it.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices)
    kind = models.CharField(
        _("nội dung"), max_length=10, choices=CrossCheckKind.choices, default=CrossCheckKind.SCORE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"))
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appraisal_cross_checks",
    )
    decided_at = models.DateTimeField(_("thời điểm kết luận"), null=True, blank=True)
    decision = models.CharField(
        _("kết luận"), max_length=10, choices=CrossCheckDecision.choices, blank=True
    )
    comment = models.TextField(_("nhận xét"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("thẩm định chéo")
        verbose_name_plural = _("thẩm định chéo")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "stage", "kind"], name="crosscheck_unique_item"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.code} ({self.stage}, {self.kind})"

    @property
    def is_exemption(self) -> bool:
        return self.kind == CrossCheckKind.EXEMPTION

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class Supplement(models.Model):
    """The agency's explanation added in the supplement window to a flagged leaf."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    explanation = models.TextField(_("giải trình bổ sung"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giải trình bổ sung")
        verbose_name_plural = _("giải trình bổ sung")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="supplement_unique_item"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.explanation[:60]}"


class CouncilApproval(models.Model):
    """A council member's opinion on the year's results: approval, or an objection with a
    comment (one current opinion per member; a new one replaces it, audited)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("thời điểm cho ý kiến"))
    decision = models.CharField(
        _("ý kiến"),
        max_length=10,
        choices=CouncilDecision.choices,
        default=CouncilDecision.APPROVED,
    )
    comment = models.TextField(_("nhận xét"), blank=True)
    # A reopening supersedes the approvals given before it (kept as history).
    superseded = models.BooleanField(_("đã thay thế"), default=False)

    class Meta:
        ordering = ["approved_at", "id"]
        verbose_name = _("thông qua của Hội đồng")
        verbose_name_plural = _("thông qua của Hội đồng")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "member"],
                condition=Q(superseded=False),
                name="councilapproval_unique_current",
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.approved_at:%d/%m/%Y})"


class Notification(models.Model):
    """A message to one person: shown in the portal (the bell) and e-mailed once.

    `key` says what it is about (e.g. reminder:2024:round1_end:2024-12-24:3): one per
    (key, recipient), so an event notified twice reaches nobody twice. Written by
    appraisal.notifications only.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=NotificationKind.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(_("tiêu đề"), max_length=255)
    text = models.TextField(_("nội dung"))
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="notification_once"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.recipient} — {self.title}"


class WorkingNote(models.Model):
    """A note of the working group on a leaf of a dossier: one thread per (dossier, leaf).

    Beside the comment the unit reads (LeafScore.comment), this is what the group says to
    itself about a score. Read only by the working group of the year (never a member on
    their own home unit) and the secretariat (appraisal.rules); never shown to the unit, in
    any phase, published or not. Written by appraisal.notes only.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ghi chú của Tổ giúp việc")
        verbose_name_plural = _("ghi chú của Tổ giúp việc")
        indexes = [models.Index(fields=["assessment", "criterion"], name="workingnote_thread")]

    def __str__(self):
        return f"{self.criterion.code} ({self.created_at:%d/%m/%Y %H:%M})"


class NoteAttachment(models.Model):
    """A file attached to a note (an annotated page…), under the upload rules of evidence
    (evidence.services.upload_check / upload_store: size, type by content, clamd, SHA-256)."""

    note = models.OneToOneField(WorkingNote, on_delete=models.CASCADE, related_name="attachment")
    storage_key = models.CharField(max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=8, choices=FileKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(_("kiểm tra mã độc"), max_length=12, choices=ScanStatus.choices)

    class Meta:
        verbose_name = _("tệp đính kèm ghi chú")
        verbose_name_plural = _("tệp đính kèm ghi chú")

    def __str__(self):
        return self.original_name
