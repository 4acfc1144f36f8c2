from django.db import models
from django.utils.translation import gettext_lazy as _


class CrossCheckDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Xác nhận")
    CHANGED = "changed", _("Điều chỉnh")


class AuditAction(models.TextChoices):
    SCORE = "score", _("Chấm điểm")
    EXEMPTION = "exemption", _("Giảm trừ")
    EXEMPTION_WITHDRAW = "exemption_withdraw", _("Rút giảm trừ")
    FLAG = "flag", _("Yêu cầu bổ sung")
    CROSS_CHECK = "cross_check", _("Thẩm định chéo")
    EVIDENCE_LINK = "evidence_link", _("Liên kết tài liệu")
    SUPPLEMENT = "supplement", _("Giải trình bổ sung")
    PHASE = "phase", _("Chuyển giai đoạn")
    ASSIGNMENT = "assignment", _("Phân công")
    TEAM = "team", _("Tổ giúp việc")
    APPROVAL = "approval", _("Hội đồng thông qua")
    DECISION = "decision", _("Quyết định công bố")
    UNITS = "units", _("Đơn vị và khối của năm")
    CALENDAR = "calendar", _("Lịch năm")


class NotificationKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Yêu cầu giải trình bổ sung")
    CROSS_CHECK = "cross_check", _("Thẩm định chéo được giao")
    ASSIGNMENT = "assignment", _("Phân công thẩm định")
    PHASE = "phase", _("Chuyển giai đoạn")
    DEADLINE = "deadline", _("Nhắc hạn")
    RESULTS = "results", _("Công bố kết quả")
