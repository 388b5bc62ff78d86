"""The integrity pages (数据质量与防虚报): the analytics of ``figures.integrity`` for the
assessment units a person sees — a city person every unit of their city, a unit person
their own unit — with the flagged projects (``?export=csv|xlsx`` writes the unit rows);
the city's thresholds; the on-site check lists (抽查): draw, list, one list (and its
export), one check with its on-site photos, record a result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.alerts.choices import SiteCheckStatus
from ballast.alerts.integrity_forms import (
    THRESHOLD_LABELS,
    CheckDrawForm,
    SiteCheckForm,
    ThresholdsForm,
)
from ballast.alerts.integrity_services import (
    check_draw_create,
    city_thresholds,
    site_check_record,
    thresholds_save,
)
from ballast.alerts.integrity_tables import CheckDrawTable, IntegrityTable, SiteCheckTable
from ballast.alerts.models import CheckDraw, IntegrityThreshold, SiteCheck
from ballast.attachments import services as attachment_services
from ballast.attachments import views as attachment_views
from ballast.attachments.selectors import attachments_by_owner
from ballast.figures.integrity import DEFAULTS, integrity
from ballast.projects.models import Project
from ballast.projects.selectors import visible_units
from ballast.regions.models import cities_containing
from ballast.web.clock import request_today
from ballast.web.pages import as_of_param
from ballast.web.views.generic import ObjectEditView, ObjectListView, ObjectView


class IntegrityList(ObjectListView):
    """Unit rows with their checks and flags (each with its reason), for a year as of a
    date; the projects whose reports outrun their total or their stage below."""

    model = Project
    action = "view_warnings"
    denied_message = gettext_lazy("您没有查看数据质量分析的权限。")
    table_class = IntegrityTable
    template_name = "alerts/integrity.html"
    export_title = "数据质量与防虚报"
    paginate = False

    def get_rows(self):
        self.as_of, self.today = as_of_param(self.request)
        try:
            self.year = int(self.request.GET.get("year") or self.as_of.year)
        except ValueError:
            self.year = self.as_of.year
        if not 2000 <= self.year <= 2100:
            self.year = self.as_of.year
        units = [u for u in visible_units(self.request.user) if u.is_assessment_unit]
        self.city = cities_containing([u.pk for u in units]).first()
        self.result = None
        if self.city is None:
            return []
        mine = [u for u in units if u.path.startswith(f"{self.city.path}/")]
        self.result = integrity(city=self.city, year=self.year, as_of=self.as_of, units=mine)
        return self.result["units"]

    def get_export_filename(self):
        return f"integrity-{self.year}-{self.as_of:%Y%m%d}"

    def get_extra_context(self, rows, **kwargs):
        result = self.result or {"projects": [], "thresholds": {}}
        return {
            "as_of": self.as_of,
            "year": self.year,
            "city": self.city,
            "flagged": sum(1 for row in rows if row["flags"]),
            "projects": result["projects"],
            "thresholds": result["thresholds"],
            "may_set_thresholds": policy.may_do(self.request.user, "set_integrity_thresholds"),
            "may_view_checks": policy.may_do(self.request.user, "spotcheck.view"),
        }


integrity_page = IntegrityList.as_view()


# --------------------------------------------------------------------------- thresholds


class ThresholdsEdit(ObjectEditView):
    """数据质量阈值: the city administrator sets the city's own thresholds (empty: the
    default); the history of the changes is listed below the form."""

    model = IntegrityThreshold
    action = "set_integrity_thresholds"
    denied_message = gettext_lazy("您没有设置数据质量阈值的权限。")
    form_class = ThresholdsForm
    template_name = "alerts/integrity_thresholds.html"
    creates = True
    carries_version = False

    def city(self):
        city = policy.city_for(self.request.user, self.request.GET.get("city"))
        if city is None:
            raise Http404
        return city

    def get_form_kwargs(self, obj):
        return {"current": city_thresholds(self.city())}

    def save(self, form, obj, expected_version):
        values = {key: form.cleaned_data.get(key) for key in DEFAULTS}
        thresholds_save(
            user=self.request.user,
            city=self.city(),
            values=values,
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self, saved):
        return gettext("数据质量阈值已保存。")

    def get_success_url(self, saved):
        return reverse("alerts:integrity_thresholds")

    def get_title(self):
        return gettext("数据质量阈值")

    def get_extra_context(self, form):
        city = self.city()
        history = (
            IntegrityThreshold.history.filter(city_id=city.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:50]
        )
        return {"city": city, "history": history, "labels": THRESHOLD_LABELS}


thresholds_page = ThresholdsEdit.as_view()


# --------------------------------------------------------------------------- 抽查


class CheckDrawList(ObjectListView):
    """The city's on-site check lists, newest first, with how many were checked."""

    model = CheckDraw
    action = "spotcheck.view"
    table_class = CheckDrawTable
    template_name = "alerts/check_draws.html"
    export_title = "现场抽查清单"

    def base_queryset(self):
        return (
            CheckDraw.objects.select_related("city", "drawn_by")
            .annotate(
                done=Count("checks", filter=~Q(checks__status=SiteCheckStatus.PENDING)),
                inflated=Count("checks", filter=Q(checks__status=SiteCheckStatus.INFLATED)),
            )
            .order_by("-month", "-pk")
        )

    def get_rows(self):
        return self.get_queryset()

    def get_export_filename(self):
        return "site-check-draws"

    def get_extra_context(self, rows, **kwargs):
        return {"may_draw": policy.may_do(self.request.user, "draw_site_checks")}


check_draws = CheckDrawList.as_view()


class CheckDrawCreate(ObjectEditView):
    """Draw the month's on-site check list (stored with its seed)."""

    model = CheckDraw
    action = "draw_site_checks"
    form_class = CheckDrawForm
    creates = True
    carries_version = False

    def get_initial(self, obj):
        today = request_today()
        return {"month": today.replace(day=1), "as_of": today, "size": 10}

    def save(self, form, obj, expected_version):
        city = policy.city_for(self.request.user)
        if city is None:
            raise Http404
        data = form.cleaned_data
        return check_draw_create(
            user=self.request.user,
            city=city,
            month=data["month"],
            size=data["size"],
            seed=data["seed"],
            as_of=data["as_of"],
        )

    def get_success_message(self, saved):
        return gettext("已抽取%(n)s个项目。") % {"n": saved.checks.count()}

    def get_success_url(self, saved):
        return reverse("alerts:check_draw", args=[saved.pk])

    def get_title(self):
        return gettext("抽取现场抽查清单")


check_draw_new = CheckDrawCreate.as_view()


class CheckDrawDetail(ObjectView):
    """One check list: the projects drawn, why, and what each check found."""

    model = CheckDraw
    action = "spotcheck.view"
    template_name = "alerts/check_draw.html"
    context_object_name = "draw"

    def table(self):
        checks = list(
            self.object.checks.select_related("project__unit", "checked_by").order_by("rank")
        )
        table = SiteCheckTable(checks)
        table.may_record = policy.may_do(self.request.user, "record_site_checks")
        # the files of every check in one query (the page counts them, the export names them)
        table.files_by_check = attachments_by_owner(user=self.request.user, owners=checks)
        return table

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("export")
        if kind in ("csv", "xlsx"):
            self.object = self.get_object()
            title = gettext("现场抽查清单")
            return self.table().export(kind, f"site-checks-{self.object.month:%Y-%m}", title)
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        return {"table": self.table()}


check_draw = CheckDrawDetail.as_view()


class SiteCheckDetail(ObjectView):
    """One check: the project drawn and why, what the checker found, and its on-site
    photos and documents (附件; whoever may record checks adds more)."""

    model = SiteCheck
    action = "spotcheck.view"
    template_name = "alerts/site_check.html"
    context_object_name = "check"

    def base_queryset(self):
        return SiteCheck.objects.select_related("draw", "project__unit", "report", "checked_by")

    def get_extra_context(self):
        check = self.object
        return {
            "draw": check.draw,
            "report": check.report,
            "may_record": check.status == SiteCheckStatus.PENDING
            and policy.may_do(self.request.user, "record_site_checks"),
        }


site_check_page = SiteCheckDetail.as_view()


@login_required
@require_POST
def site_check_attach(request, pk: int):
    """Add on-site photos or documents to a check (the attachments panel of its page):
    the check in the person's scope (404), then the policy's attach action (403)."""
    check = get_object_or_404(SiteCheck.objects.restrict(request.user), pk=pk)
    back = reverse("alerts:site_check", args=[check.pk]) + "#attachments"
    return attachment_views.upload(request, owner=check, back=back, as_of=request_today())


class SiteCheckRecord(ObjectEditView):
    """Record one check's result; a check that finds less than reported corrects the
    report by an amendment naming the check."""

    model = SiteCheck
    action = "spotcheck.change"
    form_class = SiteCheckForm
    template_name = "alerts/site_check_record.html"

    def base_queryset(self):
        return SiteCheck.objects.select_related("draw", "project__unit", "report")

    def has_permission(self):
        return super().has_permission() and policy.may_do(self.request.user, "record_site_checks")

    def get_initial(self, obj):
        return {"checked_on": request_today()}

    def save(self, form, obj, expected_version):
        data = form.cleaned_data
        check = site_check_record(
            user=self.request.user,
            check=obj,
            found_investment=data["found_investment"],
            percent_seen=data.get("percent_seen"),
            notes=data["notes"],
            checked_on=data["checked_on"],
            expected_version=expected_version,
        )
        # the photos of the same form, in the result's transaction: a refused file
        # records nothing (the form comes back with what was entered and the reason)
        attachment_services.attach_all(
            user=self.request.user,
            owner=check,
            files=data.get("files") or [],
            as_of=request_today(),
        )
        return check

    def get_success_message(self, saved):
        if saved.amended:
            return gettext("抽查结果已登记，月报已据此更正。")
        return gettext("抽查结果已登记。")

    def get_success_url(self, saved):
        return reverse("alerts:site_check", args=[saved.pk])

    def get_title(self):
        return gettext("登记现场抽查结果")

    def get_extra_context(self, form):
        return {"check": self.object, "report": self.object.report}


site_check_record_page = SiteCheckRecord.as_view()
