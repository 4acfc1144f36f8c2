from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ParindexConfig(AppConfig):
    name = "parindex"
    verbose_name = _("Tài khoản và bảo mật")


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (parindex.admin_site.PortalAdminSite)."""

    default = False  # named in full in INSTALLED_APPS
    default_site = "parindex.admin_site.PortalAdminSite"
