from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Group, Unit

from . import workflow
from .enums import (
    AssessmentStatus,
    AuditAction,
    Band,
    DayKind,
    DeadlineKind,
    Method,
    NodeKind,
    NodeLevel,
    Phase,
    ResultSource,
    Stage,
    UnsubmittedPolicy,
)

SCORE = {"max_digits": 7, "decimal_places": 2}


class Period(models.Model):
    """A year of the index with its settings and deadlines."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    name = models.CharField(_("tên kỳ đánh giá"), max_length=200, blank=True)
    phase = models.CharField(
        _("giai đoạn"), max_length=20, choices=Phase.choices, default=Phase.SETUP
    )
    band_tot_min = models.DecimalField(_("ngưỡng Tốt (%)"), default=Decimal("85"), **SCORE)
    band_kha_min = models.DecimalField(_("ngưỡng Khá (%)"), default=Decimal("75"), **SCORE)
    band_trung_binh_min = models.DecimalField(
        _("ngưỡng Trung bình (%)"), default=Decimal("60"), **SCORE
    )
    downgrade_late_percent = models.DecimalField(
        _("hạ một bậc khi tỷ lệ hồ sơ trễ hạn từ (%)"),
        null=True,
        blank=True,
        default=Decimal("10"),
        help_text=_("Để trống nếu năm này không áp dụng."),
        **SCORE,
    )
    cap_index_at_100 = models.BooleanField(_("chỉ số tối đa 100%"), default=True)
    criteria_issued = models.DateField(_("ban hành bộ tiêu chí"), null=True, blank=True)
    self_assessment_opens = models.DateTimeField(_("mở tự đánh giá"), null=True, blank=True)
    self_assessment_deadline = models.DateTimeField(
        _("hạn nộp hồ sơ tự đánh giá"), null=True, blank=True
    )
    self_assessment_closed = models.BooleanField(
        _("đã khóa nộp hồ sơ tự đánh giá"),
        default=False,
        help_text=_("Bộ phận thư ký khóa: không nhận thêm hồ sơ, kể cả nộp trễ hạn."),
    )
    round1_start = models.DateTimeField(_("bắt đầu thẩm định lần 1"), null=True, blank=True)
    round1_end = models.DateTimeField(_("kết thúc thẩm định lần 1"), null=True, blank=True)
    cross_check_date = models.DateField(_("thẩm định chéo"), null=True, blank=True)
    round1_meeting = models.DateField(_("họp thông qua kết quả lần 1"), null=True, blank=True)
    supplement_start = models.DateTimeField(_("bắt đầu giải trình bổ sung"), null=True, blank=True)
    supplement_end = models.DateTimeField(_("hạn giải trình bổ sung"), null=True, blank=True)
    round2_start = models.DateTimeField(_("bắt đầu thẩm định lần 2"), null=True, blank=True)
    round2_end = models.DateTimeField(_("kết thúc thẩm định lần 2"), null=True, blank=True)
    working_group_meeting = models.DateField(_("họp Tổ giúp việc"), null=True, blank=True)
    council_date = models.DateTimeField(_("họp Hội đồng"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công bố"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)
    unsubmitted_policy = models.CharField(
        _("đơn vị không nộp hồ sơ"),
        max_length=10,
        choices=UnsubmittedPolicy.choices,
        blank=True,
        help_text=_("Chọn trước khi bắt đầu thẩm định lần 1."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")

    def __str__(self):
        return self.name or f"Năm {self.year}"

    @property
    def is_published(self) -> bool:
        """The year's results are public (the phase table's results_public)."""
        return workflow.rules_of(self.phase).results_public

    @property
    def is_frozen(self) -> bool:
        """Nothing of the year may change (the phase table's frozen)."""
        return workflow.rules_of(self.phase).frozen


class PeriodGroup(models.Model):
    """A group ranked in a period, with the group's bonus cap for that year."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="groups")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="periods")
    bonus_cap = models.DecimalField(_("điểm thưởng tối đa"), default=Decimal("0"), **SCORE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "group"], name="periodgroup_unique")
        ]
        verbose_name = _("khối trong kỳ")
        verbose_name_plural = _("khối trong kỳ")

    def __str__(self):
        return f"{self.period.year} — {self.group}"


class Criterion(models.Model):
    """A node of the period's criteria tree: field → criterion → sub-criterion.

    Only leaves are scored; a leaf's maximum per group lives in CriterionMax (no row: the leaf
    does not apply to that group). `params` holds the scoring method's parameters, see
    scoring.engine.leaf_points.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=20)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    level = models.CharField(_("cấp"), max_length=10, choices=NodeLevel.choices)
    kind = models.CharField(
        _("loại"), max_length=10, choices=NodeKind.choices, default=NodeKind.SCORED
    )
    is_leaf = models.BooleanField(_("là tiêu chí chấm điểm"), default=True)
    name = models.TextField(_("nội dung"))
    guidance = models.TextField(_("cách chấm"), blank=True)
    method = models.CharField(
        _("phương pháp chấm"), max_length=12, choices=Method.choices, blank=True
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    evidence_required = models.BooleanField(_("yêu cầu tài liệu kiểm chứng"), default=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["period", "order"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="criterion_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.name[:60]}"

    @property
    def field_code(self) -> str:
        return self.code.split(".")[0]


class CriterionMax(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="maxima")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    max_score = models.DecimalField(_("điểm tối đa"), **SCORE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "group"], name="criterionmax_unique")
        ]
        verbose_name = _("điểm tối đa theo khối")
        verbose_name_plural = _("điểm tối đa theo khối")

    def __str__(self):
        return f"{self.criterion.code} — {self.group.code}: {self.max_score}"


class Assessment(models.Model):
    """One unit's dossier for one period."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    # The unit's group in this year: groups change between years (units.UnitChange), and a
    # year's maxima, bonus cap and ranking are those of this group.
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="+", verbose_name=_("khối trong năm")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("nộp trễ hạn"), default=False)
    late_dossier_percent = models.DecimalField(
        _("tỷ lệ hồ sơ TTHC trễ hạn (%)"), null=True, blank=True, **SCORE
    )
    sipas = models.DecimalField(_("chỉ số hài lòng (SIPAS, %)"), null=True, blank=True, **SCORE)

    class Meta:
        ordering = ["period", "group__order", "unit__order", "unit__code"]
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="assessment_unique")]

    def __str__(self):
        return f"{self.unit} — {self.period.year}"

    def save(self, *args, **kwargs):
        # Without an explicit group, the unit's current one (a year's set-up sets it).
        if self.group_id is None and self.unit_id is not None:
            self.group_id = self.unit.group_id
        super().save(*args, **kwargs)


class LeafScore(models.Model):
    """The score of one leaf at one stage; the three stages sit side by side.

    `value` is the points (for a deduction leaf: the positive number of points taken off);
    `inputs` keeps what was entered (answer, level, figures, count) so points can be
    recomputed and shown. `version` guards concurrent writes.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices)
    value = models.DecimalField(_("điểm"), null=True, blank=True, **SCORE)
    inputs = models.JSONField(_("số liệu nhập"), default=dict, blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    comment = models.TextField(_("nhận xét thẩm định"), blank=True)
    supplement_requested = models.BooleanField(_("yêu cầu bổ sung"), default=False)
    provisional = models.BooleanField(_("chờ thẩm định chéo"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "stage"], name="leafscore_unique"
            )
        ]
        # The index job reads one stage of a period's assessments at a time.
        indexes = [models.Index(fields=["stage", "assessment"], name="leafscore_stage_assessment")]

    def __str__(self):
        return f"{self.criterion.code} ({self.get_stage_display()}): {self.value}"


class Exemption(models.Model):
    """A node (leaf, criterion or field) that does not apply to a unit at a stage (giảm trừ)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="exemptions")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices)
    reason = models.TextField(_("lý do"))
    # Proposed by an appraiser for their own home unit: waits for a cross-check.
    provisional = models.BooleanField(_("chờ thẩm định chéo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giảm trừ")
        verbose_name_plural = _("giảm trừ")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "stage"], name="exemption_unique"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="exemption_reason"),
        ]

    def __str__(self):
        return f"{self.criterion.code} ({self.get_stage_display()}): {self.reason[:40]}"


class Result(models.Model):
    """A unit's computed (or imported, for years before the portal) result at a stage."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="results")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices, default=Stage.FINAL)
    standard_score = models.DecimalField(_("điểm chuẩn"), null=True, blank=True, **SCORE)
    appraised_score = models.DecimalField(_("điểm đạt"), null=True, blank=True, **SCORE)
    index = models.DecimalField(_("chỉ số"), null=True, blank=True, **SCORE)
    band = models.CharField(_("xếp loại"), max_length=12, choices=Band.choices)
    downgraded = models.BooleanField(_("bị hạ bậc"), default=False)
    # The unit never submitted its dossier (its draft was appraised, or it is left out).
    not_submitted = models.BooleanField(_("không nộp hồ sơ"), default=False)
    # Counted in its group's ranking, size, mean and band counts (False: left out).
    ranked = models.BooleanField(_("được xếp hạng"), default=True)
    rank_in_group = models.PositiveIntegerField(_("xếp hạng trong khối"), null=True, blank=True)
    group_size = models.PositiveIntegerField(_("số đơn vị trong khối"), default=0)
    source = models.CharField(
        max_length=10, choices=ResultSource.choices, default=ResultSource.COMPUTED
    )
    details = models.JSONField(_("chỉ số thành phần"), default=dict, blank=True)
    inputs_hash = models.CharField(
        _("mã băm dữ liệu đầu vào"),
        max_length=64,
        blank=True,
        help_text=_("Ghi khi công bố: SHA-256 của điểm, giảm trừ, bộ tiêu chí và quy tắc năm."),
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "group__order", "rank_in_group", "unit__order", "unit__code"]
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "stage"], name="result_unique")
        ]

    def __str__(self):
        return f"{self.unit} — {self.period.year} ({self.get_stage_display()}): {self.index}"


class DeadlineExtension(models.Model):
    """More time the secretariat gave one unit: for its self-assessment, or for its
    supplement items. scoring.rules.unit_deadline reads it (the one answer to "the deadline
    of this unit"); written by appraisal.extensions with its audit row."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="extensions")
    deadline = models.CharField(_("hạn được gia hạn"), max_length=30, choices=DeadlineKind.choices)
    until = models.DateTimeField(_("gia hạn đến"))
    reason = models.TextField(_("lý do"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("thời điểm gia hạn"))

    class Meta:
        ordering = ["assessment", "deadline"]
        verbose_name = _("gia hạn cho đơn vị")
        verbose_name_plural = _("gia hạn cho đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "deadline"], name="extension_unique"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="extension_reason"),
        ]

    def __str__(self):
        return f"{self.assessment} — {self.get_deadline_display()} → {self.until:%d/%m/%Y}"


class CalendarDay(models.Model):
    """A day the province sets for its year on top of the national calendar: an extra day
    off, or a make-up working day (a weekend day worked in exchange). Read by
    scoring.calendar; keyed by the date itself, so one row serves every year's cycle."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=8, choices=DayKind.choices)
    reason = models.CharField(_("lý do"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ, ngày làm bù của tỉnh")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù của tỉnh")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="calendarday_reason"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.reason}"


class AuditEntry(models.Model):
    """One change: who, when, what (old → new), why. Never updated, never deleted.

    Every write of every app leaves one (scoring.services.audit_record); it lives here, at the
    bottom of the layers, so that scoring, evidence, appraisal and reports can all write it.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("vòng"), max_length=8, choices=Stage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"))
    action = models.CharField(_("thao tác"), max_length=30, choices=AuditAction.choices)
    old_value = models.JSONField(_("giá trị cũ"), null=True, blank=True)
    new_value = models.JSONField(_("giá trị mới"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    after_approval = models.BooleanField(_("thay đổi sau khi Hội đồng thông qua"), default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["assessment", "criterion"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"
