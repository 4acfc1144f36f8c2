"""The Django admin behind the portal's sign-in.

PortalAdminSite sends its login page to the portal's (throttled, with the TOTP step) and lets
in only staff who have passed the second factor they need: the code of their confirmed device,
and a device at all for superusers in production (SUPERUSER_TOTP_REQUIRED) and for roles of
TOTP_REQUIRED_ROLES. Installed through parindex.apps.PortalAdminConfig in place of
django.contrib.admin (the app config loads before the models; this module after them).
"""

from django.contrib import admin

from parindex.accounts import admin_login, second_factor_ok


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and second_factor_ok(request)

    def login(self, request, extra_context=None):
        return admin_login(request)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (they keep the audit trail): the admin shows, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
