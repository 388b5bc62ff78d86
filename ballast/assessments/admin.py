"""Admin of assessment schemes, manual scores, published results and 亩均 data, on the
restricted admin base so every view obeys the access policy."""

from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.assessments.models import (
    EfficiencyRecord,
    EfficiencyScheme,
    Indicator,
    ManualScore,
    PublishedResult,
    Scheme,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "key", "label", "weight", "method", "params")


@admin.register(Scheme)
class SchemeAdmin(RestrictedAdmin):
    list_display = ("name", "slug", "period_kind", "city", "active")
    list_filter = ("period_kind", "active")
    search_fields = ("name", "slug")
    inlines = (IndicatorInline,)


@admin.register(Indicator)
class IndicatorAdmin(RestrictedAdmin):
    list_display = ("label", "key", "scheme", "weight", "method", "order")
    list_filter = ("method", "scheme")
    search_fields = ("label", "key")


@admin.register(ManualScore)
class ManualScoreAdmin(RestrictedAdmin):
    list_display = ("indicator", "period", "unit", "project", "judge", "score")
    list_filter = ("period", "unit", "indicator")
    search_fields = ("judge", "project__name")
    raw_id_fields = ("project",)


@admin.register(PublishedResult)
class PublishedResultAdmin(RestrictedAdmin):
    """Published results are frozen: shown, never edited here."""

    # writes belong to a service: no revert from history
    revert_allowed = False

    list_display = ("scheme", "period", "as_of", "published_at", "published_by")
    list_filter = ("scheme", "period")
    readonly_fields = (
        "scheme",
        "period",
        "as_of",
        "published_at",
        "published_by",
        "results",
        "figures",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EfficiencyRecord)
class EfficiencyRecordAdmin(RestrictedAdmin):
    list_display = ("project", "year", "tax", "sales", "value_added", "land_area", "employees")
    list_filter = ("year", "project__unit")
    search_fields = ("project__name", "project__code")
    raw_id_fields = ("project",)


@admin.register(EfficiencyScheme)
class EfficiencySchemeAdmin(RestrictedAdmin):
    list_display = ("name", "slug", "city", "cap")
    search_fields = ("name", "slug")
