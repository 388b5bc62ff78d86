"""Admin of the imports' stored data, restricted by the access policy like every page.

The statistics bureau's 入库 lists are stored whole by ``bureau.bureau_list_import`` (all
rows or none) and never edited afterwards, so the admin shows them read-only."""

from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.imports.models import BureauEntry, BureauList


class _ReadOnly(RestrictedAdmin):
    revert_allowed = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BureauEntryInline(admin.TabularInline):
    model = BureauEntry
    fields = ("row", "code", "name", "entered_on", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BureauList)
class BureauListAdmin(_ReadOnly):
    """统计局入库清单 (imported on /imports/bureau/upload/)."""

    list_display = ("__str__", "city", "received_on", "filename", "uploaded_by", "uploaded_at")
    list_filter = ("city",)
    list_select_related = ("city", "uploaded_by")
    inlines = (BureauEntryInline,)


@admin.register(BureauEntry)
class BureauEntryAdmin(_ReadOnly):
    list_display = ("bureau_list", "row", "code", "name", "entered_on", "amount")
    search_fields = ("code", "name")
    list_select_related = ("bureau_list__city",)
