"""API authentication by our expiring, revocable tokens (`Authorization: Token <key>`)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken
from .services import api_token_digest, api_token_touch


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token header, checked against ApiToken: unknown, revoked and expired tokens are
    refused (401) each with its own message."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập API không hợp lệ."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("Mã truy cập API này đã bị thu hồi lúc %(at)s; hãy lấy mã mới.")
                % {"at": _when(token.revoked_at)}
            )
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("Mã truy cập API này đã hết hạn lúc %(at)s; hãy lấy mã mới.")
                % {"at": _when(token.expires_at)}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Tài khoản đã bị khóa."))
        api_token_touch(token=token)
        return token.user, token


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")
