"""Serializers of scoring for API v1: read shapes, and the self-assessment input."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Assessment, Criterion, LeafScore, Period, PeriodGroup, Result


class PeriodGroupSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="group.code", read_only=True)
    name = serializers.CharField(source="group.name", read_only=True)

    class Meta:
        model = PeriodGroup
        fields = ["code", "name", "bonus_cap"]


class PeriodSerializer(serializers.ModelSerializer):
    """A year with its phase, settings and every deadline (ISO 8601 with offset)."""

    groups = PeriodGroupSerializer(many=True, read_only=True)
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = Period
        fields = [
            "year",
            "name",
            "phase",
            "is_published",
            "band_tot_min",
            "band_kha_min",
            "band_trung_binh_min",
            "downgrade_late_percent",
            "cap_index_at_100",
            "criteria_issued",
            "self_assessment_opens",
            "self_assessment_deadline",
            "self_assessment_closed",
            "round1_start",
            "round1_end",
            "cross_check_date",
            "round1_meeting",
            "supplement_start",
            "supplement_end",
            "round2_start",
            "round2_end",
            "working_group_meeting",
            "council_date",
            "decision_number",
            "decision_date",
            "decision_signer",
            "published_at",
            "groups",
        ]


class CriterionSerializer(serializers.ModelSerializer):
    """A node of the criteria tree, flat: the parent by code, maxima by group code."""

    parent_code = serializers.CharField(
        source="parent.code", read_only=True, allow_null=True, default=None
    )
    maxima = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = [
            "id",
            "code",
            "name",
            "parent_code",
            "level",
            "kind",
            "is_leaf",
            "method",
            "params",
            "evidence_required",
            "guidance",
            "notes",
            "order",
            "maxima",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "string", "format": "decimal"},
            "description": "group code → maximum points; a group absent here: not applicable",
        }
    )
    def get_maxima(self, obj: Criterion) -> dict[str, str]:
        return {m.group.code: f"{m.max_score:.2f}" for m in obj.maxima.all()}


class AssessmentSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="period.year", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    group_code = serializers.CharField(source="group.code", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "year",
            "unit_code",
            "unit_name",
            "group_code",
            "status",
            "submitted_at",
            "is_late",
            "late_dossier_percent",
            "sipas",
        ]


class LeafScoreSerializer(serializers.ModelSerializer):
    criterion_code = serializers.CharField(source="criterion.code", read_only=True)

    class Meta:
        model = LeafScore
        fields = [
            "id",
            "criterion_code",
            "stage",
            "value",
            "inputs",
            "explanation",
            "comment",
            "supplement_requested",
            "provisional",
            "version",
            "updated_at",
        ]


class ResultSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="period.year", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    group_code = serializers.CharField(source="group.code", read_only=True)

    class Meta:
        model = Result
        fields = [
            "year",
            "unit_code",
            "unit_name",
            "group_code",
            "stage",
            "standard_score",
            "appraised_score",
            "index",
            "band",
            "downgraded",
            "rank_in_group",
            "group_size",
            "source",
            "not_submitted",
            "ranked",
        ]


class SelfScoreInputSerializer(serializers.Serializer):
    """PUT body of a self-assessed leaf score; `version` is the one the client last saw."""

    inputs = serializers.DictField(help_text="Số liệu nhập theo phương pháp chấm của tiêu chí")
    explanation = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=20000
    )
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()


class StaleVersionSerializer(serializers.Serializer):
    error = serializers.CharField()
    current = LeafScoreSerializer(allow_null=True, help_text="Điểm đang lưu (null: đã bị xóa)")


# --- the results report (scoring.selectors.results_report), for the schema -----------------


class BandCountsSerializer(serializers.Serializer):
    tot = serializers.IntegerField()
    kha = serializers.IntegerField()
    trung_binh = serializers.IntegerField()
    yeu = serializers.IntegerField()


class ReportUnitSerializer(serializers.Serializer):
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    group_code = serializers.CharField()
    standard_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    appraised_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    index = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    band = serializers.CharField()
    rank_in_group = serializers.IntegerField(allow_null=True)
    group_size = serializers.IntegerField()
    previous_index = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    delta = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    previous_band = serializers.CharField(allow_null=True)
    previous_basis = serializers.CharField(
        allow_blank=True,
        help_text="Cơ sở so sánh với năm trước khi đơn vị được sắp xếp lại: so với … (cũ), "
        "so với trung bình của …, đơn vị mới (trống: so với chính đơn vị năm trước, hoặc "
        "không có số liệu năm trước)",
    )
    not_submitted = serializers.BooleanField(help_text="Đơn vị không nộp hồ sơ tự đánh giá")
    ranked = serializers.BooleanField(
        help_text="Được xếp hạng (false: không nộp hồ sơ và năm đó không xếp hạng các đơn vị "
        "này; không tính vào số đơn vị, trung bình và số lượng theo xếp loại của khối)"
    )


class ReportGroupSerializer(serializers.Serializer):
    group_code = serializers.CharField()
    group_name = serializers.CharField()
    size = serializers.IntegerField()
    mean_index = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    previous_mean_index = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    band_counts = BandCountsSerializer()
    left_out = serializers.IntegerField(help_text="Số đơn vị không nộp hồ sơ, không xếp hạng")


class ReportOverallSerializer(serializers.Serializer):
    mean_index = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    previous_mean_index = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    units_up = serializers.IntegerField()
    units_down = serializers.IntegerField()
    band_counts = BandCountsSerializer()


class ResultsReportSerializer(serializers.Serializer):
    """The export_results JSON shape (numbers as strings with 2 decimals)."""

    year = serializers.IntegerField()
    stage = serializers.CharField()
    published = serializers.BooleanField()
    units = ReportUnitSerializer(many=True)
    groups = ReportGroupSerializer(many=True)
    overall = ReportOverallSerializer()
