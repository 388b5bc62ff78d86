"""Admin of investment attraction, restricted by the access policy like every page.

Channels are the city's data (edited here). Leads and their contacts are written by the
services (stages, signing, duplicates), so the admin shows them read-only."""

from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.attraction.models import (
    Campaign,
    CampaignRound,
    ChainLink,
    Channel,
    Lead,
    LeadContact,
    ReserveEntry,
    ReserveTier,
    RoundTarget,
    TargetEnterprise,
)


@admin.register(Channel)
class ChannelAdmin(RestrictedAdmin):
    list_display = ("name", "code", "city", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")


class _ReadOnly(RestrictedAdmin):
    revert_allowed = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(_ReadOnly):
    list_display = ("project_name", "investor", "unit", "channel", "stage", "amount", "info_on")
    list_filter = ("stage", "channel")
    search_fields = ("project_name", "investor")


@admin.register(LeadContact)
class LeadContactAdmin(_ReadOnly):
    list_display = ("lead", "date", "ours", "theirs", "next_step")
    search_fields = ("lead__project_name", "theirs")


class TargetInline(admin.TabularInline):
    model = TargetEnterprise
    extra = 1


@admin.register(ChainLink)
class ChainLinkAdmin(RestrictedAdmin):
    list_display = ("name", "cluster", "segment", "sort_order")
    list_filter = ("segment", "cluster")
    search_fields = ("name",)
    filter_horizontal = ("projects",)
    inlines = (TargetInline,)


@admin.register(TargetEnterprise)
class TargetEnterpriseAdmin(RestrictedAdmin):
    list_display = ("name", "link", "note")
    search_fields = ("name",)


@admin.register(ReserveTier)
class ReserveTierAdmin(RestrictedAdmin):
    list_display = ("name", "code", "city", "order", "needs_land", "needs_filing", "needs_funding")


@admin.register(ReserveEntry)
class ReserveEntryAdmin(_ReadOnly):
    """Placed through ``services.reserve_place`` (the tier's conditions are checked there)."""

    list_display = ("project", "tier", "land_ready", "filing_ready", "funding_ready", "entered_on")
    list_filter = ("tier",)


class RoundInline(admin.TabularInline):
    model = CampaignRound
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(RestrictedAdmin):
    list_display = ("name", "kind", "city")
    inlines = (RoundInline,)


class TargetRowInline(admin.TabularInline):
    model = RoundTarget
    extra = 0


@admin.register(CampaignRound)
class CampaignRoundAdmin(RestrictedAdmin):
    list_display = ("campaign", "number", "start", "end")
    inlines = (TargetRowInline,)


@admin.register(RoundTarget)
class RoundTargetAdmin(RestrictedAdmin):
    list_display = ("round", "unit", "signed_count", "signed_amount_wan", "new_starts")
