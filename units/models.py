from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import LineageBasis, RoleKind


class Group(models.Model):
    """A group (khối) of ranked units. Data, not code: groups change with reforms."""

    code = models.SlugField(_("mã khối"), max_length=40, unique=True)
    name = models.CharField(_("tên khối"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("khối")
        verbose_name_plural = _("khối")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An agency ranked by the index (department, central branch, commune, service unit)."""

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    active_from_year = models.PositiveSmallIntegerField(_("tham gia từ năm"), default=2000)
    active_to_year = models.PositiveSmallIntegerField(_("tham gia đến năm"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["group__order", "order", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self):
        return self.name

    def is_active_in(self, year: int) -> bool:
        return self.active_from_year <= year and (
            self.active_to_year is None or year <= self.active_to_year
        )


class UnitChange(models.Model):
    """How a unit of `year` continues the units of `year − 1` (lineage, PAR-INDEX.md §6).

    One row per successor and year: a merger (A + B → C) is one row with two predecessors, a
    split (A → C + D) two rows with the same predecessor, a rename a row with one predecessor,
    a new unit a row with none; a unit that continues under its own code may be its own
    predecessor (A absorbs B: A + B → A; or A moves to another group). `group` is the
    successor's group from that year. `basis` says what its figures are compared with: the
    predecessor `basis_unit`, the mean of the predecessors' indexes, or nothing ("đơn vị
    mới"). Units without a row in a year continue themselves. Read through scoring.lineage.
    """

    year = models.PositiveSmallIntegerField(_("năm"))
    successor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="lineage_in", verbose_name=_("đơn vị")
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="+", verbose_name=_("khối")
    )
    predecessors = models.ManyToManyField(
        Unit, blank=True, related_name="lineage_out", verbose_name=_("đơn vị cũ")
    )
    basis = models.CharField(_("cơ sở so sánh"), max_length=12, choices=LineageBasis.choices)
    basis_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("so sánh với đơn vị"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "successor__group__order", "successor__order", "successor__code"]
        verbose_name = _("thay đổi đơn vị")
        verbose_name_plural = _("thay đổi đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["year", "successor"], name="unitchange_unique"),
            models.CheckConstraint(
                name="unitchange_basis_unit_iff_predecessor",
                condition=(Q(basis=LineageBasis.PREDECESSOR) & Q(basis_unit__isnull=False))
                | (~Q(basis=LineageBasis.PREDECESSOR) & Q(basis_unit__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.successor}"


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username


class RoleQuerySet(models.QuerySet):
    def for_year(self, year: int):
        """Roles that count for the year: that year's, and those with no year (every year).
        (`year__in=[year, None]` would not do: SQL's IN never matches NULL.)"""
        return self.filter(Q(year=year) | Q(year__isnull=True))


class Role(models.Model):
    """One role held by a user.

    agency staff / head: `unit` is their unit. appraiser: `year`, `unit` is the home unit,
    `expertise` lists field codes. secretariat, council, leadership: `year`. A role counts
    only for its year; with no year, for every year (units.rules).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("vai trò"), max_length=20, choices=RoleKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )
    year = models.PositiveSmallIntegerField(
        _("năm"),
        null=True,
        blank=True,
        help_text=_(
            "Năm đánh giá mà vai trò có hiệu lực (Bộ phận thư ký, Hội đồng, lãnh đạo, Tổ giúp "
            "việc phục vụ từng năm). Để trống: vai trò có hiệu lực cho mọi năm."
        ),
    )
    expertise = models.JSONField(_("lĩnh vực chuyên môn"), default=list, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.CheckConstraint(
                name="role_unit_required_for_agency_and_appraiser",
                condition=~Q(kind__in=["agency_staff", "agency_head", "appraiser"])
                | Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "unit", "year"], name="role_unique_per_user"
            ),
        ]

    def __str__(self):
        extra = f" — {self.unit}" if self.unit_id else ""
        year = f" ({self.year})" if self.year else ""
        return f"{self.user}: {self.get_kind_display()}{extra}{year}"
