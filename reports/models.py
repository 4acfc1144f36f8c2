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
    """A report built as a file by a background task: a data annex (XLSX or PDF) or an
    official document (DOCX or PDF; `params` holds the unit code of a per-unit document)."""

    kind = models.CharField(_("loại báo cáo"), max_length=24, choices=ReportKind.choices)
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


class DocumentSettings(models.Model):
    """The province's details printed on its official documents (Decree 30 header, signer,
    recipients). Edited by the secretariat; every save is a new row (never updated), so the
    rows are the settings' own audit trail and the latest one is in force."""

    province_name = models.CharField(
        _("tên tỉnh (trong trích yếu)"), max_length=120, default="tỉnh …"
    )
    parent_body = models.CharField(
        _("cơ quan chủ quản của Sở (dòng trên)"), max_length=120, default="UBND TỈNH …"
    )
    issuer_name = models.CharField(_("tên cơ quan ban hành"), max_length=120, default="SỞ NỘI VỤ")
    issuer_body_name = models.CharField(
        _("tên cơ quan ban hành trong câu văn"),
        max_length=120,
        default="Sở Nội vụ",
        help_text=_("Cách viết trong nội dung văn bản, ví dụ “Sở Nội vụ”."),
    )
    issuer_abbr = models.CharField(_("chữ viết tắt cơ quan ban hành"), max_length=20, default="SNV")
    office_abbr = models.CharField(
        _("chữ viết tắt đơn vị soạn thảo"),
        max_length=20,
        default="CCHC",
        help_text=_("Dùng trong ký hiệu công văn (SNV-CCHC) và dòng “Lưu: VT, CCHC”."),
    )
    place_name = models.CharField(_("địa danh ghi trên văn bản"), max_length=80, default="…")
    signer_authority = models.CharField(
        _("quyền hạn ký (KT./TL./TUQ.)"),
        max_length=120,
        blank=True,
        help_text=_("Ví dụ “KT. GIÁM ĐỐC”; để trống khi Giám đốc ký."),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, default="GIÁM ĐỐC")
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    decision_parent = models.CharField(
        _("cơ quan ban hành quyết định (dòng trên)"), max_length=120, default="ỦY BAN NHÂN DÂN"
    )
    decision_issuer = models.CharField(
        _("cơ quan ban hành quyết định (dòng dưới)"), max_length=120, default="TỈNH …"
    )
    decision_abbr = models.CharField(
        _("chữ viết tắt trong ký hiệu quyết định"), max_length=20, default="UBND"
    )
    decision_authority = models.CharField(
        _("thẩm quyền ban hành quyết định"),
        max_length=200,
        default="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …",
    )
    decision_signer_authority = models.CharField(
        _("quyền hạn ký quyết định (TM./KT.)"), max_length=120, blank=True
    )
    decision_signer_title = models.CharField(
        _("chức vụ người ký quyết định"), max_length=120, default="CHỦ TỊCH"
    )
    decision_signer_name = models.CharField(
        _("họ tên người ký quyết định"),
        max_length=120,
        blank=True,
        help_text=_("Dùng khi quyết định công bố của năm chưa ghi người ký."),
    )
    decision_grounds = models.TextField(
        _("căn cứ ban hành quyết định (mỗi dòng một căn cứ)"),
        default="Căn cứ Luật Tổ chức chính quyền địa phương;",
    )
    recipients_report = models.TextField(
        _("nơi nhận báo cáo (mỗi dòng một nơi)"),
        default="UBND tỉnh (báo cáo);\nCác sở, ban, ngành;\nCổng Thông tin điện tử tỉnh;",
    )
    recipients_decision = models.TextField(
        _("nơi nhận quyết định"),
        default="Như Điều 3;\nBộ Nội vụ (báo cáo);\nChủ tịch, các Phó Chủ tịch UBND tỉnh;\n"
        "Cổng Thông tin điện tử tỉnh;",
    )
    recipients_letter = models.TextField(
        _("nơi nhận công văn đề nghị bổ sung"), default="Như trên;\nGiám đốc Sở (báo cáo);"
    )
    recipients_notice = models.TextField(
        _("nơi nhận thông báo kết quả"), default="UBND tỉnh (báo cáo);"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("thời điểm lưu"), auto_now_add=True)

    class Meta:
        ordering = ["-saved_at", "-id"]
        verbose_name = _("thông tin trên văn bản")
        verbose_name_plural = _("thông tin trên văn bản")

    def __str__(self):
        return f"{self.issuer_name} ({self.saved_at:%d/%m/%Y %H:%M})" if self.saved_at else ""


class DocumentIssue(models.Model):
    """The number and date given to an official document when it is issued.

    Never updated: a corrected number is a new row, and the latest row of (period, kind,
    unit) is the one printed; who and when are the audit. The decision's number is not
    here: it is the period's decision_number, recorded when the year is published.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="document_issues")
    kind = models.CharField(_("loại văn bản"), max_length=24, choices=ReportKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="document_issues"
    )
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=40)
    issued_on = models.DateField(_("ngày ban hành"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("thời điểm cấp số"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("số, ngày văn bản")
        verbose_name_plural = _("số, ngày văn bản")
        indexes = [models.Index(fields=["period", "kind", "unit"], name="documentissue_target")]

    def __str__(self):
        return f"{self.number:02d}/{self.symbol} ({self.issued_on:%d/%m/%Y})"
