from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.alerts import services
from ballast.alerts.models import CheckDraw, IntegrityThreshold, SiteCheck, WarningRule
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


class _ServiceOwned(RestrictedAdmin):
    """Rows written only by the integrity services (a city's thresholds with a reason, a
    drawn list, a recorded check that may amend a report): shown read-only here, with
    their history; they change on their own pages (/integrity/…) and through the API."""

    revert_allowed = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IntegrityThreshold)
class IntegrityThresholdAdmin(_ServiceOwned):
    """A city's own integrity thresholds (set on /integrity/thresholds/ with a reason)."""

    list_display = ("city", "key", "value", "updated_at")
    list_filter = ("city",)
    search_fields = ("key",)


class SiteCheckInline(admin.TabularInline):
    model = SiteCheck
    fields = ("rank", "project", "weight", "reported_investment", "status", "checked_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CheckDraw)
class CheckDrawAdmin(_ServiceOwned):
    """The cities' on-site check lists (现场抽查清单), drawn on /integrity/checks/new/."""

    list_display = ("__str__", "month", "seed", "size", "as_of", "drawn_by", "drawn_at")
    list_filter = ("city",)
    date_hierarchy = "month"
    list_select_related = ("city", "drawn_by")
    inlines = (SiteCheckInline,)


@admin.register(SiteCheck)
class SiteCheckAdmin(_ServiceOwned):
    """One project of a check list and its result (recorded on the check's page)."""

    list_display = (
        "draw", "rank", "project", "reported_investment", "status", "found_investment",
        "checked_on", "checked_by", "amended",
    )  # fmt: skip
    list_filter = ("status", "amended", "draw__city")
    search_fields = ("project__name", "project__code")
    list_select_related = ("draw__city", "project", "checked_by")
