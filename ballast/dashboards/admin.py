from django.contrib import admin

from ballast.dashboards.models import UnitOutline


@admin.register(UnitOutline)
class UnitOutlineAdmin(admin.ModelAdmin):
    list_display = ("region", "updated_at")
    readonly_fields = ("created_at", "updated_at")
