from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Group, Role, Unit, UnitChange, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["unit"]


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
    list_display = ["user", "kind", "unit", "year"]
    list_filter = ["kind", "year"]


@admin.register(UnitChange)
class UnitChangeAdmin(admin.ModelAdmin):
    list_display = ["year", "successor", "group", "basis", "basis_unit"]
    list_filter = ["year", "basis"]
    filter_horizontal = ["predecessors"]
    autocomplete_fields = ["successor", "basis_unit"]
