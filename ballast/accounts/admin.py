"""Admin of accounts: read-only and restricted by the policy.

Accounts are managed on the security administrator's pages (/accounts/, through
accounts.services, which re-check the policy and keep history with a reason). The admin
site only shows them, to the security administrator, and never offers is_superuser,
is_staff, groups or user permissions. Departments are the city's configuration.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from ballast.accounts import policy
from ballast.accounts.models import Department, LoginEvent, User
from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.regions.models import Region


class ReadOnlyPolicyAdmin(SimpleHistoryAdmin):
    """Shown to who the policy lets view; written through nowhere."""

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def has_module_permission(self, request):
        return policy.may(request.user, policy.VIEW, self.model)

    def has_view_permission(self, request, obj=None):
        if not policy.may(request.user, policy.VIEW, self.model):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_view(self, request, object_id, version_id, extra_context=None):
        # Reading the history is viewing; reverting would be a change, which no one has.
        raise PermissionDenied

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A version is shown; posting it back (simple-history's revert) is refused.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(ReadOnlyPolicyAdmin):
    list_display = ("username", "full_name", "role", "region", "department", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "phone")
    fields = (
        "username",
        "full_name",
        "role",
        "region",
        "department",
        "title",
        "phone",
        "is_active",
        "must_change_password",
        "password_changed_at",
        "last_login",
        "date_joined",
    )


@admin.register(Department)
class DepartmentAdmin(RestrictedAdmin):
    list_display = ("name", "short_name", "city")
    search_fields = ("name",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "city":
            kwargs["queryset"] = Region.objects.filter(pk=request.user.city_id_in_scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        with transaction.atomic():
            obj.full_clean()
            obj.save()
            policy.check(request.user, policy.CHANGE if change else policy.ADD, obj)


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


# Second factors are reset by the security administrator on the accounts pages
# (/accounts/<pk>/2fa-reset/, audited); django-otp's own admin would be a door beside it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
