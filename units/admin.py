from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.services import enrolment_code_issue
from parindex.throttle import client_address

from .models import Group, Role, Unit, UnitChange, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["kind", "unit", "year", "expertise"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "full_name", "email", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ["full_name"]}),)
    actions = ["issue_enrolment_code"]

    @admin.action(
        description=gettext_lazy("Cấp mã đăng ký xác thực hai bước (dùng một lần)"),
        permissions=["issue_enrolment_code"],
    )
    def issue_enrolment_code(self, request, queryset):
        """One code per selected user, shown once here (only its hash is kept)."""
        for user in queryset:
            record, code = enrolment_code_issue(
                actor=request.user, user=user, address=client_address(request)
            )
            expires = formats.date_format(timezone.localtime(record.expires_at), "d/m/Y H:i")
            messages.warning(
                request,
                _("Mã đăng ký của %(user)s: %(code)s (hết hạn %(at)s; chỉ hiện một lần).")
                % {"user": user.get_username(), "code": code, "at": expires},
            )

    def has_issue_enrolment_code_permission(self, request):
        return request.user.has_perm("parindex.issue_enrolment_code", None)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "active"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "group", "active_from_year", "active_to_year"]
    list_filter = ["group"]
    search_fields = ["code", "name", "short_name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "unit", "year_display"]
    list_filter = ["kind", "year"]

    @admin.display(description=gettext_lazy("năm"), ordering="year")
    def year_display(self, role):
        """A role with no year counts for every year: said so, not left blank."""
        return role.year if role.year is not None else _("mọi năm")


@admin.register(UnitChange)
class UnitChangeAdmin(admin.ModelAdmin):
    list_display = ["year", "successor", "group", "basis", "basis_unit"]
    list_filter = ["year", "basis"]
    filter_horizontal = ["predecessors"]
    autocomplete_fields = ["successor", "basis_unit"]
