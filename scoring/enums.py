from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    SETUP = "setup", _("Chuẩn bị")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    ROUND1 = "round1", _("Thẩm định lần 1")
    ROUND1_CLOSED = "round1_closed", _("Kết thúc thẩm định lần 1")
    SUPPLEMENT = "supplement", _("Giải trình bổ sung")
    ROUND2 = "round2", _("Thẩm định lần 2")
    COUNCIL = "council", _("Hội đồng thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class Stage(models.TextChoices):
    SELF = "self", _("Tự đánh giá")
    ROUND1 = "round1", _("Thẩm định lần 1")
    FINAL = "final", _("Thẩm định lần 2 / chính thức")


class NodeLevel(models.TextChoices):
    FIELD = "field", _("Lĩnh vực")
    CRITERION = "criterion", _("Tiêu chí")
    SUB = "sub", _("Tiêu chí thành phần")


class NodeKind(models.TextChoices):
    """Whether a node counts toward the standard score, is bonus, or a deduction."""

    SCORED = "scored", _("Tính điểm")
    BONUS = "bonus", _("Điểm thưởng")
    DEDUCTION = "deduction", _("Điểm trừ")


class Method(models.TextChoices):
    YES_NO = "yes_no", _("Có / Không")
    LEVELS = "levels", _("Theo mức")
    MANUAL = "manual", _("Chấm trực tiếp theo bước")
    RATIO = "ratio", _("Theo tỷ lệ")
    SURVEY = "survey", _("Theo chỉ số hài lòng")
    COUNT = "count", _("Theo số lượng")
    BONUS = "bonus", _("Điểm thưởng")
    DEDUCTION = "deduction", _("Điểm trừ")


class Band(models.TextChoices):
    TOT = "tot", _("Tốt")
    KHA = "kha", _("Khá")
    TRUNG_BINH = "trung_binh", _("Trung bình")
    YEU = "yeu", _("Yếu")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")


class UnsubmittedPolicy(models.TextChoices):
    """What a year does with a unit that never submitted its dossier (chosen by the
    secretariat before round 1; the move to round 1 asks for it). Either way the unit is
    marked "không nộp hồ sơ" wherever it appears; not chosen (blank, a year set up outside
    the portal): its draft is appraised, marked."""

    APPRAISE = "appraise", _("Thẩm định bản đang soạn, xếp hạng kèm ghi chú “không nộp hồ sơ”")
    EXCLUDE = "exclude", _("Không xếp hạng, ghi chú “không nộp hồ sơ”")


# The mark of a unit that never submitted, wherever it appears (ranking, reports, documents).
NOT_SUBMITTED_MARK = _("không nộp hồ sơ")


class DeadlineKind(models.TextChoices):
    """A unit's deadline the secretariat may extend: the Period field it extends."""

    SELF_ASSESSMENT = "self_assessment_deadline", _("Hạn nộp hồ sơ tự đánh giá")
    SUPPLEMENT = "supplement_end", _("Hạn giải trình bổ sung")


class ResultSource(models.TextChoices):
    COMPUTED = "computed", _("Tính từ điểm chấm")
    IMPORTED = "imported", _("Nhập từ kết quả đã công bố")


class DayKind(models.TextChoices):
    """A day the province sets apart from the national calendar."""

    OFF = "off", _("Ngày nghỉ")
    WORKING = "working", _("Ngày làm việc bù")


class AuditAction(models.TextChoices):
    """What an audit row records (scoring.AuditEntry); the stage says which round."""

    SCORE = "score", _("Chấm điểm")
    # An appraiser kept the unit's own score of a leaf at the round (accepted as claimed).
    ACCEPT = "accept", _("Giữ điểm tự chấm")
    EXEMPTION = "exemption", _("Giảm trừ")
    EXEMPTION_WITHDRAW = "exemption_withdraw", _("Rút giảm trừ")
    FLAG = "flag", _("Yêu cầu bổ sung")
    CROSS_CHECK = "cross_check", _("Thẩm định chéo")
    SUBMIT = "submit", _("Nộp hồ sơ")
    WITHDRAW = "withdraw", _("Rút hồ sơ về để sửa")
    EVIDENCE_LINK = "evidence_link", _("Liên kết tài liệu")
    EVIDENCE_UNLINK = "evidence_unlink", _("Gỡ liên kết tài liệu")
    EVIDENCE_REMOVE = "evidence_remove", _("Gỡ bỏ tài liệu")
    EVIDENCE_READING = "evidence_reading", _("Sửa thông tin đọc từ tài liệu")
    SUPPLEMENT = "supplement", _("Giải trình bổ sung")
    PHASE = "phase", _("Chuyển giai đoạn")
    ASSIGNMENT = "assignment", _("Phân công")
    TEAM = "team", _("Tổ giúp việc")
    APPROVAL = "approval", _("Hội đồng thông qua")
    DECISION = "decision", _("Quyết định công bố")
    CRITERIA = "criteria", _("Bộ tiêu chí")
    INPUTS_IMPORT = "inputs_import", _("Nhập dữ liệu khảo sát, thống kê")
    INPUTS_APPLY = "inputs_apply", _("Ghi điểm từ dữ liệu khảo sát")
    INDEX_RUN = "index_run", _("Tính chỉ số")
    PLAN = "plan", _("Kế hoạch khắc phục")
    UNITS = "units", _("Đơn vị và khối của năm")
    CALENDAR = "calendar", _("Lịch năm")
    EXTENSION = "extension", _("Gia hạn cho đơn vị")
    UNSUBMITTED_POLICY = "unsubmitted_policy", _("Cách xử lý đơn vị không nộp hồ sơ")
    REMINDER = "reminder", _("Nhắc nộp hồ sơ")
    # A note of the working group (never shown to the unit): the row says who and when only.
    NOTE = "note", _("Ghi chú của Tổ giúp việc")
