"""Admin of service and supervision, restricted by the access policy like every page.

Issue state changes go through the services (the admin's actions); the admin form edits
only what ``issue_update`` allows."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ballast.accounts import policy
from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.coordination import services
from ballast.coordination.models import (
    EscalationRule,
    Issue,
    IssueStep,
    ProjectContact,
    Tour,
    TourCriterion,
    TourJudge,
    TourProject,
    TourScore,
    Visit,
)


@admin.register(EscalationRule)
class EscalationRuleAdmin(RestrictedAdmin):
    list_display = (
        "city",
        "major_same_day",
        "overdue",
        "large_project_threshold",
        "near_deadline_days",
    )


@admin.register(ProjectContact)
class ProjectContactAdmin(RestrictedAdmin):
    """Enterprise contacts: a link gives the user the project's data, so it is made by the
    service (an enterprise user of the project's unit, inside the linker's scope)."""

    list_display = ("project", "user")
    search_fields = ("project__name", "user__full_name", "user__username")
    autocomplete_fields = ()
    user_choice_roles = {"user": policy.duty_roles("be_project_contact")}
    revert_allowed = False

    def has_change_permission(self, request, obj=None):
        # a link is added or removed, never re-pointed
        return False

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied("企业联系人关联只能新增或删除。")
        try:
            link = services.contact_add(user=request.user, project=obj.project, contact=obj.user)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc
        obj.pk = link.pk

    def delete_model(self, request, obj):
        services.contact_remove(user=request.user, link=obj)


class IssueStepInline(admin.TabularInline):
    model = IssueStep
    extra = 0
    fields = ("planned_on", "description", "done_on")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(RestrictedAdmin):
    # writes belong to a service: no revert from history
    revert_allowed = False

    list_display = (
        "project",
        "category",
        "raised_on",
        "is_major",
        "level",
        "department",
        "deadline",
        "status",
        "escalated_at",
    )
    list_filter = ("status", "category", "level", "is_major", "department")
    search_fields = ("project__name", "description")
    date_hierarchy = "raised_on"
    inlines = [IssueStepInline]
    readonly_fields = (
        "status",
        "acknowledged_at",
        "resolved_on",
        "resolution",
        "closed_on",
        "reopen_count",
        "reopen_reason",
        "escalated_at",
        "escalation_reason",
        "raised_by",
    )
    actions = ["acknowledge"]

    def get_readonly_fields(self, request, obj=None):
        # The project is fixed once raised; a department officer cannot even list projects.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "project", "raised_on", "visit") if obj else fields

    def save_model(self, request, obj, form, change):
        try:
            if change:
                data = {
                    f: form.cleaned_data[f]
                    for f in services.ISSUE_CHANGE_FIELDS
                    if f in form.cleaned_data
                }
                services.issue_update(user=request.user, issue=obj, data=data)
            else:
                data = {
                    f: form.cleaned_data[f] for f in services.ISSUE_FIELDS if f in form.cleaned_data
                }
                created = services.issue_raise(
                    user=request.user, project=form.cleaned_data["project"], data=data
                )
                obj.pk = created.pk
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc

    @admin.action(description="受理所选问题")
    def acknowledge(self, request, queryset):
        for issue in queryset:
            self.run_service(request, services.issue_acknowledge, issue=issue, now=timezone.now())


@admin.register(Visit)
class VisitAdmin(RestrictedAdmin):
    list_display = ("date", "visitor", "kind", "project")
    list_filter = ("kind",)
    search_fields = ("project__name", "findings")
    date_hierarchy = "date"


class TourCriterionInline(admin.TabularInline):
    model = TourCriterion
    extra = 0


class TourJudgeInline(admin.TabularInline):
    model = TourJudge
    extra = 0


class TourProjectInline(admin.TabularInline):
    model = TourProject
    extra = 0


@admin.register(Tour)
class TourAdmin(RestrictedAdmin):
    list_display = ("name", "date", "period", "city")
    inlines = [TourCriterionInline, TourJudgeInline, TourProjectInline]


@admin.register(TourScore)
class TourScoreAdmin(RestrictedAdmin):
    list_display = ("judge", "tour_project", "criterion", "points")
    list_filter = ("judge__tour",)
