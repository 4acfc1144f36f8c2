"""Admin of the accounts: API tokens (revoke), enrolment codes and the account audit trail
(read-only). Codes are issued from the user list (units.admin) or `issue_enrolment_code`."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .admin_site import ReadOnlyAdmin
from .models import AccountEvent, ApiToken, EnrolmentCode
from .services import api_token_revoke
from .throttle import client_address


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "prefix"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description=_("Thu hồi các mã truy cập đã chọn"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            api_token_revoke(actor=request.user, token=token, address=client_address(request))
        messages.success(request, _("Đã thu hồi các mã truy cập đã chọn."))

    def has_revoke_permission(self, request):
        return request.user.has_perm("parindex.change_apitoken")


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "created_by", "expires_at", "used_at", "revoked_at"]
    search_fields = ["user__username"]
    exclude = ["code_hash"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "username", "actor", "address"]
    list_filter = ["action"]
    search_fields = ["username", "address"]
