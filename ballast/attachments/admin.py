from django.contrib import admin

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.attachments.models import AttachmentSettings


@admin.register(AttachmentSettings)
class AttachmentSettingsAdmin(RestrictedAdmin):
    list_display = ("city", "keep_location")
