"""Accounts: API tokens that expire and can be revoked, one-time TOTP enrolment codes, and the
account audit trail (who issued, used or revoked what, when, from where)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """An API token. Only the SHA-256 of the key is stored: the key is shown once, at issue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("băm SHA-256 của mã"), max_length=64, unique=True)
    prefix = models.CharField(_("đầu mã"), max_length=8)
    created_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thu hồi"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return str(_("đã thu hồi"))
        return str(_("đã hết hạn")) if self.is_expired else str(_("đang dùng"))


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a user whose role requires TOTP, without which
    their first device cannot be enrolled. Stored hashed (like a password); expires; single use."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(_("băm của mã"), max_length=256)
    created_at = models.DateTimeField(_("cấp lúc"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cấp"),
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mã đăng ký xác thực hai bước")
        verbose_name_plural = _("mã đăng ký xác thực hai bước")

    def __str__(self):
        return f"{self.user} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class AccountAction(models.TextChoices):
    ENROLMENT_CODE_ISSUED = "enrol_code_issued", _("cấp mã đăng ký xác thực hai bước")
    ENROLMENT_CODE_USED = "enrol_code_used", _("dùng mã đăng ký xác thực hai bước")
    TOTP_ENROLLED = "totp_enrolled", _("bật xác thực hai bước")
    API_TOKEN_ISSUED = "token_issued", _("cấp mã truy cập API")
    API_TOKEN_REVOKED = "token_revoked", _("thu hồi mã truy cập API")


class AccountEvent(models.Model):
    """One change to an account's credentials. Never updated, never deleted."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("tài khoản"),
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=20, choices=AccountAction.choices)
    address = models.CharField(_("địa chỉ"), max_length=64, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký tài khoản")
        verbose_name_plural = _("nhật ký tài khoản")

    def __str__(self):
        return f"{self.get_action_display()} — {self.username} ({self.at:%d/%m/%Y %H:%M})"
