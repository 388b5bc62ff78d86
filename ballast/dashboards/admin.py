from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.dashboards.models import UnitOutline


@admin.register(UnitOutline)
class UnitOutlineAdmin(RestrictedAdmin):
    """The units' map outlines: city configuration, restricted by the policy like every
    admin (load them with ``load_outlines``)."""

    list_display = ("region", "updated_at")
    readonly_fields = ("created_at", "updated_at")
