from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from ballast.accounts import policy
from ballast.accounts.choices import Role
from ballast.accounts.models import Department, LoginEvent, User


def _is_city_admin(user) -> bool:
    return user.is_superuser or (user.is_authenticated and user.role == Role.CITY_ADMIN)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "region", "department", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "phone")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("压舱石", {"fields": ("full_name", "role", "region", "department", "title", "phone")}),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        city_id = request.user.city_id_in_scope
        return qs.filter(region_id=city_id) | qs.filter(region__parent_id=city_id)

    def has_module_permission(self, request):
        return _is_city_admin(request.user)

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: _is_city_admin(request.user)
    )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "city")
    search_fields = ("name",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(city_id=request.user.city_id_in_scope)

    def has_module_permission(self, request):
        return _is_city_admin(request.user)

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: _is_city_admin(request.user)
    )


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "kind", "ip")
    list_filter = ("kind",)
    search_fields = ("username", "ip")

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def has_module_permission(self, request):
        return policy.may(request.user, policy.VIEW, LoginEvent)

    def has_view_permission(self, request, obj=None):
        return policy.may(request.user, policy.VIEW, LoginEvent)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
