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
