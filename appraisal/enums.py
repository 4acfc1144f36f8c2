from django.db import models
from django.utils.translation import gettext_lazy as _


class CrossCheckDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Xác nhận")
    CHANGED = "changed", _("Điều chỉnh")


class CrossCheckKind(models.TextChoices):
    """What a cross-check is about: an appraiser's score of their own home unit, or their
    exemption (giảm trừ) of one of its criteria."""

    SCORE = "score", _("Điểm thẩm định")
    EXEMPTION = "exemption", _("Giảm trừ")


class NotificationKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Yêu cầu giải trình bổ sung")
    CROSS_CHECK = "cross_check", _("Thẩm định chéo được giao")
    ASSIGNMENT = "assignment", _("Phân công thẩm định")
    PHASE = "phase", _("Chuyển giai đoạn")
    DEADLINE = "deadline", _("Nhắc hạn")
    RESULTS = "results", _("Công bố kết quả")
    EXTENSION = "extension", _("Gia hạn")
    REMINDER = "reminder", _("Nhắc nộp hồ sơ")
    COUNCIL = "council", _("Ý kiến của Hội đồng")
    NOTE = "note", _("Ghi chú của Tổ giúp việc")


class CouncilDecision(models.TextChoices):
    APPROVED = "approved", _("Thông qua")
    OBJECTED = "objected", _("Không thông qua (có ý kiến)")
