from django.contrib import admin

from ballast.accounts import policy
from ballast.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "is_assessment_unit",
        "sort_order",
    )
    list_filter = ("kind", "is_assessment_unit")
    search_fields = ("code", "name")

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def has_module_permission(self, request):
        return policy.may(request.user, policy.VIEW, Region)

    def has_view_permission(self, request, obj=None):
        return policy.may(request.user, policy.VIEW, Region)

    # The region tree is changed by init_city and by superusers only.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False
