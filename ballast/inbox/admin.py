from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.inbox.models import Notification


@admin.register(Notification)
class NotificationAdmin(RestrictedAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("subject",)
    revert_allowed = False
    readonly_fields = (
        "recipient", "kind", "event", "subject", "body", "link", "object_ref", "dedupe_key",
        "read_at", "email_wanted", "emailed_at", "messenger_wanted", "messaged_at",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False
