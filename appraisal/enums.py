from django.db import models
from django.utils.translation import gettext_lazy as _


class CrossCheckDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Xác nhận")
    CHANGED = "changed", _("Điều chỉnh")
