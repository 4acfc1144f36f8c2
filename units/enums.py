from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    AGENCY_STAFF = "agency_staff", _("Chuyên viên đơn vị")
    AGENCY_HEAD = "agency_head", _("Thủ trưởng đơn vị")
    APPRAISER = "appraiser", _("Thành viên Tổ giúp việc")
    SECRETARIAT = "secretariat", _("Bộ phận thư ký")
    COUNCIL = "council", _("Thành viên Hội đồng thẩm định")
    LEADERSHIP = "leadership", _("Lãnh đạo UBND tỉnh")


UNIT_ROLES = {RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD}


class LineageBasis(models.TextChoices):
    """What a unit's year-over-year figures are compared with after a reorganisation."""

    PREDECESSOR = "predecessor", _("Một đơn vị cũ")
    MEAN = "mean", _("Trung bình các đơn vị cũ")
    NONE = "none", _("Đơn vị mới, không so sánh")
