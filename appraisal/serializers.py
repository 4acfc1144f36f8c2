"""Serializers of the appraisal for API v1: score and cross-check inputs, the queue, phases."""

from __future__ import annotations

from rest_framework import serializers

from scoring.enums import Phase, Stage
from scoring.serializers import ErrorSerializer

from .enums import CrossCheckDecision, CrossCheckKind


class AppraisalScoreInputSerializer(serializers.Serializer):
    """PUT body of an appraiser's leaf score; `version` is the one the client last saw
    (0: no score yet; omitted: no check)."""

    inputs = serializers.DictField(help_text="Số liệu nhập theo phương pháp chấm của tiêu chí")
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000)
    supplement_requested = serializers.BooleanField(
        required=False, default=False, help_text="Yêu cầu giải trình bổ sung (chỉ vòng 1)"
    )
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class CrossCheckDecisionInputSerializer(serializers.Serializer):
    """Confirm the provisional score, or change it (new `inputs` and a `comment`)."""

    decision = serializers.ChoiceField(choices=CrossCheckDecision.choices)
    inputs = serializers.DictField(required=False, default=dict)
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000)
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class ExemptionStateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    provisional = serializers.BooleanField()


class ExemptionDecisionSerializer(serializers.Serializer):
    """The answer to a decision on an exemption's cross-check: the exemption as it stands
    (null: rejected, the node counts again)."""

    criterion_code = serializers.CharField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    decision = serializers.ChoiceField(choices=CrossCheckDecision.choices)
    exemption = ExemptionStateSerializer(allow_null=True)


class QueueItemSerializer(serializers.Serializer):
    """One (unit × field) assigned to the appraiser, with progress at the open round."""

    assignment_id = serializers.IntegerField(source="assignment.pk")
    assessment_id = serializers.IntegerField(allow_null=True)
    unit_code = serializers.CharField(source="assignment.unit.code")
    unit_name = serializers.CharField(source="assignment.unit.name")
    group_code = serializers.CharField(source="assignment.unit.group.code")
    field_code = serializers.CharField(source="assignment.field.code")
    field_name = serializers.CharField(source="assignment.field.name")
    stage = serializers.ChoiceField(choices=Stage.choices)
    leaves = serializers.IntegerField()
    scored = serializers.IntegerField()
    changed = serializers.IntegerField(help_text="Số tiêu chí có điểm khác điểm tự chấm")
    flagged = serializers.IntegerField(help_text="Số tiêu chí yêu cầu giải trình bổ sung")
    provisional = serializers.IntegerField(help_text="Số điểm chờ thẩm định chéo")
    done = serializers.BooleanField()
    status = serializers.CharField()
    submitted = serializers.BooleanField(
        help_text="Đơn vị đã nộp hồ sơ (chưa nộp: chỉ thẩm định khi vòng 1 đã bắt đầu)"
    )
    dossier = serializers.ChoiceField(
        source="dossier_key",
        choices=["submitted", "late", "not_submitted"],
        help_text="Hồ sơ: đã nộp đúng hạn, nộp muộn, không / chưa nộp",
    )
    reviewed = serializers.IntegerField(help_text="Số tiêu chí thành viên đã xem ở vòng này")
    warnings = serializers.IntegerField(help_text="Số cảnh báo kiểm tra tài liệu kiểm chứng")
    notes = serializers.IntegerField(help_text="Số ghi chú nội bộ của Tổ giúp việc")
    unscored = serializers.ListField(
        child=serializers.CharField(), help_text="Mã các tiêu chí chưa chấm"
    )
    supplements = serializers.IntegerField(help_text="Giải trình bổ sung chưa xem ở vòng 2")
    overdue = serializers.BooleanField(help_text="Quá hạn vòng thẩm định mà chưa hoàn thành")


class QueueCrossCheckSerializer(serializers.Serializer):
    """A cross-check asked of the appraiser and not yet decided."""

    id = serializers.IntegerField()
    assessment_id = serializers.IntegerField()
    unit_code = serializers.CharField(source="assessment.unit.code")
    unit_name = serializers.CharField(source="assessment.unit.name")
    criterion_code = serializers.CharField(source="criterion.code")
    criterion_name = serializers.CharField(source="criterion.name")
    stage = serializers.ChoiceField(choices=Stage.choices)
    kind = serializers.ChoiceField(choices=CrossCheckKind.choices)
    requested_at = serializers.DateTimeField()


class QueueSerializer(serializers.Serializer):
    """The appraiser's queue page: assigned items and open cross-checks."""

    year = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    stage = serializers.ChoiceField(
        choices=Stage.choices, allow_null=True, help_text="Vòng đang mở cho Tổ giúp việc"
    )
    items = QueueItemSerializer(many=True)
    cross_checks = QueueCrossCheckSerializer(many=True)


class ConsequenceSerializer(serializers.Serializer):
    """What a phase move would do (appraisal.moves): its kind, how many, the units."""

    kind = serializers.ChoiceField(
        choices=[
            "not_submitted",
            "still_in_time",
            "assignments_not_done",
            "open_cross_checks",
            "no_score",
            "supplement_unanswered",
            "council_objections",
            "approvals_superseded",
        ]
    )
    count = serializers.IntegerField()
    units = serializers.ListField(child=serializers.CharField(), help_text="Mã đơn vị")
    text = serializers.CharField(help_text="Điều sẽ xảy ra, bằng tiếng Việt")


class PhaseMoveSerializer(serializers.Serializer):
    to_phase = serializers.ChoiceField(choices=Phase.choices)
    label = serializers.CharField()
    reason_required = serializers.BooleanField(
        help_text="Chuyển ngược, mở lại, hoặc chuyển trước hạn của một số đơn vị"
    )
    allowed = serializers.BooleanField(help_text="Không còn điều kiện nào chặn (ngoài lý do)")
    problems = serializers.ListField(child=serializers.CharField())
    consequences = ConsequenceSerializer(
        many=True, help_text='Hệ quả: cần gửi kèm "confirm": true để chuyển'
    )


class PhaseStateSerializer(serializers.Serializer):
    """The year's phase and the moves the workflow allows from it, each with what blocks it."""

    year = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    label = serializers.CharField()
    moves = PhaseMoveSerializer(many=True)


class PhaseMoveInputSerializer(serializers.Serializer):
    to_phase = serializers.ChoiceField(choices=Phase.choices)
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Xác nhận đã xem các hệ quả của việc chuyển giai đoạn (không có: 409)",
    )


class PhaseRefusedSerializer(ErrorSerializer):
    """409: refused (`problems`), or not confirmed (`consequences`); nothing changed."""

    problems = serializers.ListField(child=serializers.CharField())
    consequences = ConsequenceSerializer(many=True)
