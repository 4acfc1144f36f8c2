from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Group, Role, Unit, User


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

    @admin.display(description=_("năm"), ordering="year")
    def year_display(self, role):
        """A role with no year counts for every year: said so, not left blank."""
        return role.year if role.year is not None else _("mọi năm")
