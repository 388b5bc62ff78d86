from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.bulletins.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(RestrictedAdmin):
    """Published bulletins: read-only (they are frozen); publish with the command or page."""

    # writes belong to a service: no revert from history
    revert_allowed = False

    list_display = ("title", "period", "kind", "unit", "as_of", "published_at", "published_by")
    list_filter = ("kind", "city")
    readonly_fields = (
        "city",
        "unit",
        "period",
        "kind",
        "number",
        "as_of",
        "title",
        "content",
        "figures_hash",
        "published_at",
        "published_by",
    )
    exclude = ("docx",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
