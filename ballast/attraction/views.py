"""The attraction pages: the lead list (filters, exports), a lead's page with its
contacts log and its steps (接洽, 洽谈, 签约 into a project, 终止), the lead forms, the
city's duplicate check, the attraction figures, the chain map, the campaigns and the
reserve pool.

The list, detail, form and action pages stand on the restricted base
(:mod:`ballast.web.views.generic`): each declares its model and its named policy action;
rows come from the policy; every write goes through :mod:`ballast.attraction.services`.
The lead list and the reserve pool export through their tables (``tables.py``).

These stay function views, being none of those five kinds of page:

* ``duplicates`` — the city's review of groups of possibly duplicate leads (computed by a
  selector, not rows of a model) with the merge form of each group posted to the page;
* ``figures`` — the attraction figures of a period, a report of sums, not a list;
* ``chain_map`` — a cluster's chain drawn as a diagram (上游 → 中游 → 下游) with its gaps;
* ``chain_import`` — an Excel upload imported all or nothing (the base's forms take no
  files; the import's errors are the workbook's lines, not a form's fields).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ballast.accounts import policy
from ballast.attraction import services
from ballast.attraction.choices import LeadStage
from ballast.attraction.documents import round_documents
from ballast.attraction.filtersets import LeadFilterSet
from ballast.attraction.forms import (
    AdvanceForm,
    ContactForm,
    LeadForm,
    ReserveForm,
    SignForm,
    TerminateForm,
)
from ballast.attraction.models import (
    Campaign,
    CampaignRound,
    ChainLink,
    Channel,
    Lead,
    ReserveEntry,
)
from ballast.attraction.selectors import (
    attraction_figures,
    campaign_scheme,
    chain_gaps,
    duplicates_for,
    four_batches,
    leads_visible,
    reserve_entries_visible,
    reserve_pool,
    reserve_tiers,
    round_ranking,
)
from ballast.attraction.selectors import chain_map as chain_map_of
from ballast.attraction.tables import LeadTable, ReserveTable
from ballast.attraction.workbooks import read_chain_workbook
from ballast.projects.history import project_history
from ballast.projects.models import IndustryCluster, Project
from ballast.projects.selectors import city_in_scope
from ballast.web.clock import parse_date, request_today
from ballast.web.views.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)

LEAD_DENIED = gettext_lazy("您没有该招商线索操作的权限。")


def _require(user, action: str) -> None:
    if not policy.may(user, action, Lead):
        raise PermissionDenied(LEAD_DENIED)


def _choices_of_city(user):
    city_id = user.city_id_in_scope
    channels = Channel.objects.all()
    clusters = IndustryCluster.objects.all()
    if city_id is not None:
        channels, clusters = channels.filter(city_id=city_id), clusters.filter(city_id=city_id)
    return channels.order_by("sort_order"), clusters.order_by("sort_order")


# --------------------------------------------------------------------------- leads


class LeadList(ObjectListView):
    """The leads a person sees (a unit its own, the city all), filtered; CSV/xlsx export."""

    model = Lead
    action = "lead.view"
    denied_message = LEAD_DENIED
    template_name = "attraction/leads.html"
    table_class = LeadTable
    export_filename = "leads"
    export_title = "招商线索"

    def get_rows(self):
        self.filterset = LeadFilterSet(
            self.request.GET or None, queryset=leads_visible(user=self.request.user)
        )
        return self.filterset.qs.order_by("unit__sort_order", "-info_on", "pk")

    def get_extra_context(self, rows, **kwargs):
        user = self.request.user
        channels, clusters = _choices_of_city(user)
        return {
            "filter": self.filterset,
            "total": rows.count(),
            "stages": LeadStage.choices,
            "channels": channels,
            "clusters": clusters,
            "units": policy.units_for(user, policy.VIEW, Lead).order_by("sort_order"),
        }


leads = LeadList.as_view()


class LeadMixin:
    """A page of one lead (with what its pages show alongside)."""

    model = Lead
    denied_message = LEAD_DENIED

    def base_queryset(self):
        return Lead.objects.select_related("unit", "channel", "cluster")


class LeadFormPage(ObjectEditView):
    """A lead's form page (``attraction/form.html``)."""

    template_name = "attraction/form.html"
    title = ""

    def get_title(self):
        return self.title

    def get_extra_context(self, form):
        return {"lead": self.object}

    def get_success_url(self, saved):
        return reverse("attraction:lead_detail", args=[saved.pk])


class LeadCreate(LeadFormPage):
    model = Lead
    action = "lead.add"
    denied_message = LEAD_DENIED
    form_class = LeadForm
    creates = True
    title = gettext_lazy("登记招商线索")

    def get_form_kwargs(self, obj):
        return {"user": self.request.user}

    def get_initial(self, obj):
        initial = {"info_on": request_today()}
        link = (
            ChainLink.objects.filter(pk=_int(self.request.GET.get("link")))
            .select_related("cluster")
            .first()
        )
        if link is not None:
            initial.update(link=link, cluster=link.cluster)
        return initial

    def save(self, form, obj, expected_version):
        return services.lead_create(user=self.request.user, data=form.service_data())

    def get_success_message(self, lead):
        return _("已登记招商线索“%(name)s”。") % {"name": lead.project_name}


lead_create = LeadCreate.as_view()


class LeadEdit(LeadMixin, LeadFormPage):
    action = "lead.change"
    form_class = LeadForm
    title = gettext_lazy("修改招商线索")
    success_message = gettext_lazy("招商线索已保存。")

    def get_form_kwargs(self, lead):
        return {"instance": lead, "user": self.request.user}

    def save(self, form, lead, expected_version):
        services.lead_update(
            user=self.request.user,
            lead=lead,
            data=form.service_data(),
            expected_version=expected_version,
        )
        return lead


lead_edit = LeadEdit.as_view()


class LeadDetail(LeadMixin, ObjectView):
    """A lead: its fields, its contacts log (and those of the duplicates the city merged
    into it), its steps, and — once signed — the project it became."""

    action = "lead.view"
    context_object_name = "lead"
    template_name = "attraction/lead_detail.html"

    def get_extra_context(self):
        user, lead = self.request.user, self.object
        today = request_today()
        may_change = policy.may_do(user, "lead.change", lead)
        merged = list(lead.duplicates.select_related("unit"))
        merged_contacts = []
        for other in merged:
            other.shown_investor = (
                other.investor if policy.shows_lead_investor(user, other) else None
            )
            merged_contacts += [(other, c) for c in other.contacts.all()]
        return {
            "contacts": lead.contacts.all(),
            "merged": merged,
            "merged_contacts": merged_contacts,
            "may_change": may_change and lead.is_open and not lead.duplicate_of_id,
            "may_sign": may_change
            and lead.is_open
            and not lead.duplicate_of_id
            and policy.may_do(user, "sign_leads"),
            "may_mark": policy.may_do(user, "mark_lead_confidential") and may_change,
            "contact_form": ContactForm(initial={"date": today}),
            "advance_form": AdvanceForm(initial={"on": today, "stage": _next_stage(lead.stage)}),
            "terminate_form": TerminateForm(initial={"on": today}),
            "history": project_history(project=lead.project) if lead.project_id else None,
        }


lead_detail = LeadDetail.as_view()


def _next_stage(stage: str) -> str:
    return LeadStage.CONTACT if stage == LeadStage.INFO else LeadStage.NEGOTIATING


class LeadStep(LeadMixin, ObjectActionView):
    """A POSTed step of a lead's page: the form, then the service; errors as messages,
    back to the lead's page."""

    action = "lead.change"
    form_class = None

    def act(self, lead, data) -> str:  # pragma: no cover - every step has its own
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        lead = self.get_object()
        form = self.form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("attraction:lead_detail", lead.pk)
        try:
            done = self.write(lambda: self.act(lead, form.cleaned_data), lead)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect("attraction:lead_detail", lead.pk)


class ContactAdd(LeadStep):
    form_class = ContactForm

    def act(self, lead, data):
        services.contact_add(user=self.request.user, lead=lead, data=data)
        return _("已记录对接。")


contact_add = ContactAdd.as_view()


class LeadAdvance(LeadStep):
    form_class = AdvanceForm

    def act(self, lead, data):
        done = services.lead_advance(
            user=self.request.user, lead=lead, stage=data["stage"], on=data["on"]
        )
        return _("线索已推进到“%(stage)s”。") % {"stage": _(done.get_stage_display())}


lead_advance = LeadAdvance.as_view()


class LeadTerminate(LeadStep):
    form_class = TerminateForm

    def act(self, lead, data):
        services.lead_terminate(
            user=self.request.user,
            lead=lead,
            on=data["on"],
            reason=data["reason"],
            note=data["note"],
        )
        return _("线索已终止。")


lead_terminate = LeadTerminate.as_view()


class LeadConfidential(LeadMixin, ObjectActionView):
    """Mark (or unmark) a lead's investor confidential (the city)."""

    action = "mark_lead_confidential"
    denied_message = gettext_lazy("只有市级管理员可以标记投资方保密。")

    def row_action(self):
        return policy.CHANGE

    def run(self, lead, expected_version):
        services.lead_mark_confidential(
            user=self.request.user,
            lead=lead,
            confidential=self.request.POST.get("confidential") == "1",
        )

    def done_message(self, lead):
        return _("已更新投资方保密标记。")

    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return redirect("attraction:lead_detail", kwargs["pk"])


lead_confidential = LeadConfidential.as_view()


class LeadSign(LeadMixin, LeadFormPage):
    """签约: the lead becomes a project (one service), and the page goes to the project."""

    action = "sign_leads"
    denied_message = gettext_lazy("您没有签约转项目的权限。")
    form_class = SignForm
    carries_version = False  # the service takes the lead as it is locked
    title = gettext_lazy("签约转为项目")
    error_aliases = {"signed_on": "on", "date": "on", "code": "code"}

    def row_action(self):
        return policy.CHANGE

    def get_initial(self, lead):
        return {"on": request_today()}

    def save(self, form, lead, expected_version):
        data = form.cleaned_data
        return services.lead_sign(
            user=self.request.user,
            lead=lead,
            on=data["on"],
            category=data["category"],
            level=data["level"],
            code=data["code"] or None,
        )

    def get_success_message(self, project):
        return _("已签约，线索转为项目“%(name)s”。") % {"name": project.name}

    def get_success_url(self, project):
        return reverse("projects:project_detail", args=[project.pk])


lead_sign = LeadSign.as_view()


@login_required
def duplicates(request):
    """重复线索: the same investor and project raised by more than one unit; the city keeps
    one, both histories stay."""
    user = request.user
    if not policy.may_do(user, "resolve_lead_duplicates"):
        raise PermissionDenied(_("只有市级管理员可以处理重复线索。"))
    city = city_in_scope(user, request.GET.get("city"))
    if request.method == "POST":
        writable = Lead.objects.restrict(user, policy.CHANGE)
        keep = writable.filter(pk=_int(request.POST.get("keep"))).first()
        wanted = {_int(pk) for pk in request.POST.getlist("others")} - {
            _int(request.POST.get("keep"))
        }
        others = list(writable.filter(pk__in=wanted))
        if keep is None or not others or len(others) != len(wanted):
            messages.error(request, _("请选择保留的线索和并入的线索。"))
            return redirect("attraction:duplicates")
        try:
            services.duplicates_resolve(
                user=user, keep=keep, others=others, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("已认定重复线索，保留“%(unit)s”的线索。") % {"unit": keep.unit.display_name},
            )
        return redirect("attraction:duplicates")
    return render(
        request,
        "attraction/duplicates.html",
        {"groups": duplicates_for(user=user, city=city), "city": city},
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@require_GET
def figures(request):
    """The attraction figures of the person's leads for a period (default: this year)."""
    user = request.user
    _require(user, policy.VIEW)
    today = request_today()
    start = parse_date(request.GET.get("start"), date(today.year, 1, 1))
    end = parse_date(request.GET.get("end"), today)
    data = attraction_figures(leads=leads_visible(user=user), start=start, end=end)
    return render(request, "attraction/figures.html", {"figures": data})


# --------------------------------------------------------------------------- chain map


def _city(user, request):
    return city_in_scope(user, request.GET.get("city"))


@login_required
@require_GET
def chain_map(request):
    """招商图谱: a cluster's chain as a diagram (上游 → 中游 → 下游), each link with its
    projects, leads and target enterprises; gaps (缺链) marked and listed, feeding leads."""
    user = request.user
    _require(user, policy.VIEW)
    if not policy.may_do(user, "config.view"):
        raise PermissionDenied(_("您没有查看招商图谱的权限。"))
    city = _city(user, request)
    clusters = list(IndustryCluster.objects.filter(city=city).order_by("sort_order"))
    chosen = request.GET.get("cluster")
    cluster = next((c for c in clusters if str(c.pk) == chosen), clusters[0] if clusters else None)
    data = chain_map_of(user=user, cluster=cluster) if cluster else None
    return render(
        request,
        "attraction/chain_map.html",
        {
            "clusters": clusters,
            "cluster": cluster,
            "map": data,
            "all_gaps": chain_gaps(city=city),
        },
    )


@login_required
def chain_import(request):
    """Import chain maps from Excel (产业集群、环节、链节、目标企业), all or nothing."""
    user = request.user
    if not policy.may_do(user, "config.add"):
        raise PermissionDenied(_("您没有维护招商图谱的权限。"))
    city = _city(user, request)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            rows = read_chain_workbook(upload) if upload else None
            if rows is None:
                raise ValidationError(_("请选择要导入的 Excel 文件（.xlsx）。"))
            counts = services.chain_map_import(user=user, city=city, rows=rows)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("已导入招商图谱：新增链节 %(links)s 个，目标企业 %(targets)s 家。") % counts,
            )
            return redirect("attraction:chain_map")
    return render(request, "attraction/chain_import.html", {"errors": errors, "city": city})


# --------------------------------------------------------------------------- reserve pool


class ReservePool(ObjectListView):
    """储备库: the pool's projects by tier, its counts and amounts by tier, unit and
    cluster, how many entered this year's plan, and the period's 四个一批."""

    model = ReserveEntry
    action = "project.view"
    denied_message = gettext_lazy("您没有查看储备库的权限。")
    template_name = "attraction/reserve.html"
    table_class = ReserveTable
    export_filename = "reserve-pool"
    export_title = "储备库"

    def get_rows(self):
        self.entries = reserve_entries_visible(user=self.request.user)
        self.tier_id = self.request.GET.get("tier") or ""
        rows = (
            self.entries.filter(tier_id=int(self.tier_id))
            if self.tier_id.isdigit()
            else self.entries
        )
        return rows.order_by(
            "-tier__order", "project__unit__sort_order", "-project__total_investment"
        )

    def get_extra_context(self, **kwargs):
        request, user = self.request, self.request.user
        today = request_today()
        year = today.year
        start = parse_date(request.GET.get("start"), date(year, 1, 1))
        end = parse_date(request.GET.get("end"), today)
        projects = Project.objects.restrict(user)
        city = _city(user, request)
        return {
            "pool": reserve_pool(entries=self.entries, year=year),
            "batches": four_batches(projects=projects, entries=self.entries, start=start, end=end),
            "start": start,
            "end": end,
            "tiers": reserve_tiers(city),
            "tier_id": self.tier_id,
        }


reserve = ReservePool.as_view()


class ReservePlace(ObjectEditView):
    """Put a project in the reserve pool or move it between tiers (the tier's conditions
    checked by the service)."""

    model = Project
    action = "project.change"
    form_class = ReserveForm
    template_name = "attraction/form.html"
    carries_version = False  # the entry is a fact of the pool, not a change of the project
    success_message = gettext_lazy("已更新储备库梯次。")
    error_aliases = {"entered_on": "on"}

    def get_form_kwargs(self, project):
        city = project.unit.city or project.unit
        return {"tiers": reserve_tiers(city)}

    def get_initial(self, project):
        entry = ReserveEntry.objects.filter(project=project).first()
        return {
            "tier": entry.tier_id if entry else None,
            "land_ready": entry.land_ready if entry else False,
            "filing_ready": entry.filing_ready if entry else False,
            "funding_ready": entry.funding_ready if entry else False,
            "on": entry.entered_on if entry else request_today(),
        }

    def save(self, form, project, expected_version):
        data = form.cleaned_data
        return services.reserve_place(
            user=self.request.user,
            project=project,
            tier=data["tier"],
            land_ready=data["land_ready"],
            filing_ready=data["filing_ready"],
            funding_ready=data["funding_ready"],
            on=data["on"],
        )

    def get_title(self):
        return _("储备库：%(name)s") % {"name": self.object.name}

    def get_extra_context(self, form):
        return {"back": "reserve"}

    def get_success_url(self, saved):
        return reverse("attraction:reserve")


reserve_place = ReservePlace.as_view()


# --------------------------------------------------------------------------- campaigns


class CampaignPage:
    """The campaigns' pages: the leads' view and the city's settings' view, both."""

    action = "config.view"

    def has_permission(self):
        user = self.request.user
        if not policy.may(user, policy.VIEW, Lead):
            self.denied_message = LEAD_DENIED
            return False
        self.denied_message = _("您没有查看招商攻坚活动的权限。")
        return super().has_permission()


class CampaignList(CampaignPage, ObjectListView):
    """百日攻坚 / 招商擂台赛: the city's campaigns and their rounds."""

    model = Campaign
    template_name = "attraction/campaigns.html"
    paginate = False

    def get_rows(self):
        city = _city(self.request.user, self.request)
        return self.get_queryset().filter(city=city).prefetch_related("rounds")

    def get_extra_context(self, rows, **kwargs):
        return {"campaigns": rows}


campaigns = CampaignList.as_view()


class RoundDetail(CampaignPage, ObjectView):
    """A round's ranking (进位/退位 against the round before) and its bulletin (通报)."""

    model = CampaignRound
    context_object_name = "round"
    template_name = "attraction/round.html"
    hide_when_refused = False

    def base_queryset(self):
        return CampaignRound.objects.select_related("campaign__city")

    def get_extra_context(self):
        ranking = round_ranking(self.object)
        scheme = campaign_scheme(self.object.campaign)
        return {
            "ranking": ranking,
            "scheme": scheme,
            "indicators": scheme.indicators,
            **round_documents(user=self.request.user, rnd=self.object),
            "up": [r for r in ranking if r["moved"] and r["moved"] > 0],
            "down": [r for r in ranking if r["moved"] and r["moved"] < 0],
        }


round_detail = RoundDetail.as_view()
