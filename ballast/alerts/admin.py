from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.alerts import services
from ballast.alerts.models import WarningRule
from ballast.regions.models import Region
from ballast.regions.services import assessment_units


@admin.register(WarningRule)
class WarningRuleAdmin(RestrictedAdmin):
    """The city's warning thresholds. Rows are the registered rules' defaults, created
    when the list is first opened; a city changes thresholds, never adds rule keys."""

    # writes belong to a service: no revert from history
    revert_allowed = False

    list_display = (
        "label",
        "key",
        "city",
        "enabled",
        "yellow_threshold",
        "red_threshold",
        "threshold_unit",
    )
    list_filter = ("enabled", "city")
    fields = (
        "city",
        "key",
        "threshold_unit",
        "enabled",
        "yellow_threshold",
        "red_threshold",
        "description",
    )
    readonly_fields = ("city", "key", "threshold_unit")

    @admin.display(description="规则名称")
    def label(self, obj):
        return obj.label

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        user = request.user
        if getattr(user, "is_city_level", False) and user.region_id:
            services.ensure_default_rules(user.region)
        elif user.is_superuser:
            for city in Region.objects.filter(warning_rules__isnull=True, kind="city"):
                if assessment_units(city).exists():
                    services.ensure_default_rules(city)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        data = {f: getattr(obj, f) for f in services.RULE_FIELDS}
        try:
            services.rule_update(user=request.user, rule=obj, data=data)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc
