from django.contrib import admin, messages

from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.reports import services
from ballast.reports.models import MonthlyReport, ReportingRule


@admin.register(MonthlyReport)
class MonthlyReportAdmin(RestrictedAdmin):
    # writes belong to a service: no revert from history
    revert_allowed = False

    list_display = (
        "project",
        "month",
        "investment",
        "percent_complete",
        "status",
        "amendment_count",
    )
    list_filter = ("status", "month", "project__unit")
    search_fields = ("project__name", "project__code")
    autocomplete_fields = ("project",)
    date_hierarchy = "month"
    readonly_fields = (
        "status",
        "submitted_at",
        "submitted_by",
        "unit_approved_at",
        "unit_approved_by",
        "accepted_at",
        "accepted_by",
        "return_reason",
        "returned_at",
        "amendment_count",
    )
    actions = ("submit_reports", "approve_reports", "accept_reports")

    def has_change_permission(self, request, obj=None):
        # Locked reports change only through an amendment (更正) with a reason.
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.REPORT_FIELDS if f in form.cleaned_data}
        saved = self.run_service(
            request, services.report_save, project=obj.project, month=obj.month, data=data
        )
        if saved is not None:
            obj.pk = saved.pk

    def _bulk(self, request, queryset, func, done):
        count = 0
        for report in queryset:
            if self.run_service(request, func, report=report) is not None:
                count += 1
        if count:
            self.message_user(request, f"{done} {count} 份。", messages.SUCCESS)

    @admin.action(description="报送所选填报")
    def submit_reports(self, request, queryset):
        self._bulk(request, queryset, services.report_submit, "已报送")

    @admin.action(description="板块审核通过所选填报")
    def approve_reports(self, request, queryset):
        self._bulk(request, queryset, services.report_approve, "已审核")

    @admin.action(description="市级验收所选填报")
    def accept_reports(self, request, queryset):
        self._bulk(request, queryset, services.report_accept, "已验收")


@admin.register(ReportingRule)
class ReportingRuleAdmin(RestrictedAdmin):
    list_display = ("city", "deadline_day")
