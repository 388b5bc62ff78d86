from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.accounts.restricted_admin import RestrictedAdmin
from ballast.projects import services
from ballast.projects.models import (
    AnnualPlan,
    ConfidenceAssessment,
    IndustryCluster,
    Node,
    NodeTemplate,
    PlanMonth,
    Project,
    StageEvent,
    Suspension,
    Termination,
    UnitTarget,
)


class ServiceSaveMixin:
    """Admin saves go through a service so access and validation are the services' own."""

    def save_via(self, request, func, **kwargs):
        try:
            return func(user=request.user, **kwargs)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            # The ModelForm already ran full_clean(); a service rule beyond it failed.
            raise PermissionDenied("；".join(exc.messages)) from exc


@admin.register(IndustryCluster)
class IndustryClusterAdmin(RestrictedAdmin):
    list_display = ("name", "code", "city", "sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")


class StageEventInline(admin.TabularInline):
    model = StageEvent
    extra = 0
    fields = ("stage", "date", "evidence")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ServiceSaveMixin, RestrictedAdmin):
    list_display = ("name", "code", "unit", "category", "level", "total_investment", "cluster")
    list_filter = ("unit", "category", "level", "origin", "cluster")
    search_fields = ("name", "code", "investor")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("leaders",)
    readonly_fields = ("baseline_total_investment", "baseline_completion", "size_class_label")
    inlines = (StageEventInline,)
    fieldsets = (
        (
            "基本信息",
            {
                "fields": (
                    "name",
                    "code",
                    "unit",
                    "district",
                    "category",
                    "level",
                    "cluster",
                    "parent",
                    "phase_label",
                )
            },
        ),
        ("投资主体", {"fields": ("investor", "investor_credit_code", "origin")}),
        (
            "规模",
            {
                "fields": (
                    "total_investment",
                    "foreign_investment",
                    "size_class_label",
                    "land_area",
                    "floor_area",
                    "content",
                    "capacity",
                )
            },
        ),
        ("地点", {"fields": ("address", "longitude", "latitude")}),
        (
            "计划",
            {
                "fields": (
                    "planned_start",
                    "planned_completion",
                    "planned_full_output",
                    "expected_annual_sales",
                    "expected_annual_tax",
                    "baseline_total_investment",
                    "baseline_completion",
                )
            },
        ),
        (
            "服务",
            {
                "fields": (
                    "leaders",
                    "service_team",
                    "responsible_officer",
                    "responsible_phone",
                    "enterprise_contact",
                    "enterprise_phone",
                )
            },
        ),
    )

    @admin.display(description="规模")
    def size_class_label(self, obj):
        return obj.get_size_class_display() if obj and obj.total_investment is not None else "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "leaders":
            if request.user.is_superuser:
                leaders = User.objects.filter(policy.holders("lead_projects", active=False))
            else:
                leaders = policy.leaders_for(request.user, active=False)
            kwargs["queryset"] = leaders
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.PROJECT_FIELDS if f in form.cleaned_data}
        if change:
            saved = self.save_via(request, services.project_update, project=obj, data=data)
        else:
            saved = self.save_via(request, services.project_create, data=data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # leaders are an m2m; saved here (the row itself was saved by the service)
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(StageEvent)
class StageEventAdmin(ServiceSaveMixin, RestrictedAdmin):
    # writes belong to a service: no revert from history
    revert_allowed = False

    list_display = ("project", "stage", "date")
    list_filter = ("stage",)
    search_fields = ("project__name", "project__code")
    autocomplete_fields = ("project",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        saved = self.save_via(
            request,
            services.stage_record,
            project=obj.project,
            stage=obj.stage,
            on=obj.date,
            evidence=obj.evidence,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        self.save_via(request, services.stage_remove, event=obj, reason="管理后台删除")


@admin.register(Suspension)
class SuspensionAdmin(RestrictedAdmin):
    list_display = ("project", "kind", "reason", "started_on", "planned_resume_on", "resumed_on")
    list_filter = ("kind", "reason")
    autocomplete_fields = ("project",)


@admin.register(Termination)
class TerminationAdmin(RestrictedAdmin):
    list_display = ("project", "terminated_on", "reason")
    list_filter = ("reason",)
    autocomplete_fields = ("project",)


@admin.register(Node)
class NodeAdmin(RestrictedAdmin):
    list_display = (
        "project",
        "kind",
        "name",
        "deadline",
        "department",
        "person",
        "person_user",
        "outcome",
        "completed_on",
    )
    list_filter = ("kind", "outcome")
    search_fields = ("project__name", "name", "person")
    autocomplete_fields = ("project",)


@admin.register(NodeTemplate)
class NodeTemplateAdmin(RestrictedAdmin):
    """The city's node plans per project category (节点模板), set as data."""

    list_display = ("city", "category", "sort_order", "kind", "name", "offset_days", "department")
    list_filter = ("category", "kind")
    search_fields = ("name",)


class PlanMonthInline(admin.TabularInline):
    model = PlanMonth
    extra = 0


@admin.register(AnnualPlan)
class AnnualPlanAdmin(RestrictedAdmin):
    list_display = ("project", "year", "planned_investment", "start_month", "completion_month")
    list_filter = ("year",)
    search_fields = ("project__name", "project__code")
    autocomplete_fields = ("project",)
    inlines = (PlanMonthInline,)


@admin.register(UnitTarget)
class UnitTargetAdmin(RestrictedAdmin):
    list_display = ("unit", "period", "indicator", "value")
    list_filter = ("period", "indicator", "unit")


@admin.register(ConfidenceAssessment)
class ConfidenceAssessmentAdmin(RestrictedAdmin):
    list_display = ("project", "month", "rating")
    list_filter = ("rating",)
    autocomplete_fields = ("project",)


__all__ = ["policy"]
