from django.contrib import admin

from ballast.accounts import policy
from ballast.regions import services
from ballast.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "path",
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

    def save_model(self, request, obj, form, change):
        # A new parent moves the whole subtree: its paths are rewritten by the service.
        if change and "parent" in form.changed_data:
            parent = obj.parent
            obj.parent = Region.objects.get(pk=obj.pk).parent
            super().save_model(request, obj, form, change)
            services.region_move(region=obj, parent=parent)
            return
        super().save_model(request, obj, form, change)
