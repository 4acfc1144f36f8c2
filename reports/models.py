from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring.enums import Stage
from scoring.models import Criterion, Period
from units.models import Unit

from .enums import FileFormat, JobStatus, ReportKind


class IndexRun(models.Model):
    """One run of the index job (results_compute) for a period and stage: progress and hash."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="index_runs")
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    result_hash = models.CharField(_("mã băm kết quả"), max_length=64, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt tính chỉ số")
        verbose_name_plural = _("lượt tính chỉ số")

    def __str__(self):
        return f"{self.period.year} {self.stage} #{self.pk}"


class ReportFile(models.Model):
    """A province-wide report built as a file (XLSX or PDF) by a background task."""

    kind = models.CharField(_("loại báo cáo"), max_length=12, choices=ReportKind.choices)
    file_format = models.CharField(_("định dạng"), max_length=4, choices=FileFormat.choices)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="report_files")
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file_key = models.CharField(_("tệp"), max_length=300, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tệp báo cáo")
        verbose_name_plural = _("tệp báo cáo")

    def __str__(self):
        return f"{self.get_kind_display()} {self.period.year} ({self.file_format})"


class ImprovementPlan(models.Model):
    """A unit's improvement plan (kế hoạch khắc phục) drafted from the points it lost."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="improvement_plans")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="improvement_plans")
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch khắc phục")
        verbose_name_plural = _("kế hoạch khắc phục")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="improvementplan_unique")
        ]

    def __str__(self):
        return self.title


class ImprovementItem(models.Model):
    """One row of the plan: sub-criterion code, content and cause, remedy, who, when."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    code = models.CharField(_("mã số tiêu chí thành phần"), max_length=20)
    content = models.TextField(_("nội dung"))
    cause = models.TextField(_("nguyên nhân"), blank=True)
    remedy = models.TextField(_("giải pháp khắc phục"), blank=True)
    lead_unit = models.CharField(_("cơ quan chủ trì"), max_length=255, blank=True)
    partners = models.CharField(_("cơ quan phối hợp"), max_length=500, blank=True)
    deadline = models.CharField(_("thời gian thực hiện"), max_length=100, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("nhiệm vụ khắc phục")
        verbose_name_plural = _("nhiệm vụ khắc phục")

    def __str__(self):
        return f"{self.code} {self.content[:60]}"


class DossierStats(models.Model):
    """One-stop-shop dossier statistics of a unit for a period, as imported."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="dossier_stats")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossier_stats")
    received = models.PositiveIntegerField(_("tiếp nhận"))
    early = models.PositiveIntegerField(_("trước hạn"))
    on_time = models.PositiveIntegerField(_("đúng hạn"))
    late = models.PositiveIntegerField(_("trễ hạn"))
    pending = models.PositiveIntegerField(_("đang giải quyết"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thống kê hồ sơ TTHC")
        verbose_name_plural = _("thống kê hồ sơ TTHC")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="dossierstats_unique")
        ]

    def __str__(self):
        return f"{self.unit_id} — {self.period_id}"
