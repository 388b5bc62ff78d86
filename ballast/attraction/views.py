"""The attraction pages: the lead list (filters, exports), a lead's page with its
contacts log and its steps (接洽, 洽谈, 签约 into a project, 终止), the lead forms, the
city's duplicate check, and the attraction figures. Querysets start from
``Lead.objects.restrict(request.user)``; every write goes through
:mod:`ballast.attraction.services`."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ballast.accounts import policy
from ballast.attraction import services
from ballast.attraction.choices import CAMPAIGN_INDICATORS, LeadStage
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
from ballast.attraction.tables import LEAD_COLUMNS, RESERVE_COLUMNS
from ballast.attraction.workbooks import read_chain_workbook
from ballast.projects.history import project_history
from ballast.projects.models import IndustryCluster, Project
from ballast.projects.selectors import city_in_scope
from ballast.web.clock import parse_date, request_today
from ballast.web.exports import table_export
from ballast.web.forms import apply_errors
from ballast.web.pages import PAGE_SIZE, query_without_page


def _require(user, action: str) -> None:
    if not policy.may(user, action, Lead):
        raise PermissionDenied(_("您没有该招商线索操作的权限。"))


def _lead_for(user, pk: int, action: str = policy.VIEW) -> Lead:
    return get_object_or_404(
        Lead.objects.restrict(user, action).select_related("unit", "channel", "cluster"), pk=pk
    )


def _choices_of_city(user):
    city_id = user.city_id_in_scope
    channels = Channel.objects.all()
    clusters = IndustryCluster.objects.all()
    if city_id is not None:
        channels, clusters = channels.filter(city_id=city_id), clusters.filter(city_id=city_id)
    return channels.order_by("sort_order"), clusters.order_by("sort_order")


@login_required
def leads(request):
    """The leads a person sees (a unit its own, the city all), filtered; CSV/xlsx export."""
    user = request.user
    _require(user, policy.VIEW)
    filterset = LeadFilterSet(request.GET or None, queryset=leads_visible(user=user))
    rows = filterset.qs.order_by("unit__sort_order", "-info_on", "pk")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return table_export(export, LEAD_COLUMNS, rows, "leads", "招商线索")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    channels, clusters = _choices_of_city(user)
    return render(
        request,
        "attraction/leads.html",
        {
            "filter": filterset,
            "page": page,
            "total": page.paginator.count,
            "query": query_without_page(request),
            "stages": LeadStage.choices,
            "channels": channels,
            "clusters": clusters,
            "units": policy.units_for(user, policy.VIEW, Lead).order_by("sort_order"),
        },
    )


def _form_page(request, form, title, lead=None):
    return render(request, "attraction/form.html", {"form": form, "title": title, "lead": lead})


@login_required
def lead_create(request):
    user = request.user
    _require(user, policy.ADD)
    initial = {"info_on": request_today()}
    link = (
        ChainLink.objects.filter(pk=_int(request.GET.get("link"))).select_related("cluster").first()
    )
    if link is not None:
        initial.update(link=link, cluster=link.cluster)
    form = LeadForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(user=user, data=form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记招商线索“%(name)s”。") % {"name": lead.project_name})
            return redirect("attraction:lead_detail", lead.pk)
    return _form_page(request, form, _("登记招商线索"))


@login_required
def lead_edit(request, pk: int):
    user = request.user
    lead = _lead_for(user, pk, policy.CHANGE)
    form = LeadForm(request.POST or None, instance=lead, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(
                user=user,
                lead=lead,
                data=form.service_data(),
                expected_version=form.expected_version(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("招商线索已保存。"))
            return redirect("attraction:lead_detail", lead.pk)
    return _form_page(request, form, _("修改招商线索"), lead)


@login_required
@require_GET
def lead_detail(request, pk: int):
    """A lead: its fields, its contacts log (and those of the duplicates the city merged
    into it), its steps, and — once signed — the project it became."""
    user = request.user
    lead = _lead_for(user, pk)
    today = request_today()
    may_change = policy.may_do(user, "lead.change", lead)
    contacts = lead.contacts.all()
    merged = list(lead.duplicates.select_related("unit"))
    merged_contacts = []
    for other in merged:
        other.shown_investor = other.investor if policy.shows_lead_investor(user, other) else None
        merged_contacts += [(other, c) for c in other.contacts.all()]
    return render(
        request,
        "attraction/lead_detail.html",
        {
            "lead": lead,
            "contacts": contacts,
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
        },
    )


def _next_stage(stage: str) -> str:
    return LeadStage.CONTACT if stage == LeadStage.INFO else LeadStage.NEGOTIATING


def _step(request, pk: int, form_class, act):
    """A POSTed step of a lead's page: the form, then the service; errors as messages."""
    user = request.user
    lead = _lead_for(user, pk, policy.CHANGE)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("attraction:lead_detail", lead.pk)
    try:
        done = act(user, lead, form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("attraction:lead_detail", lead.pk)


@login_required
@require_POST
def contact_add(request, pk: int):
    def act(user, lead, data):
        services.contact_add(user=user, lead=lead, data=data)
        return _("已记录对接。")

    return _step(request, pk, ContactForm, act)


@login_required
@require_POST
def lead_advance(request, pk: int):
    def act(user, lead, data):
        done = services.lead_advance(user=user, lead=lead, stage=data["stage"], on=data["on"])
        return _("线索已推进到“%(stage)s”。") % {"stage": _(done.get_stage_display())}

    return _step(request, pk, AdvanceForm, act)


@login_required
@require_POST
def lead_terminate(request, pk: int):
    def act(user, lead, data):
        services.lead_terminate(
            user=user, lead=lead, on=data["on"], reason=data["reason"], note=data["note"]
        )
        return _("线索已终止。")

    return _step(request, pk, TerminateForm, act)


@login_required
@require_POST
def lead_confidential(request, pk: int):
    user = request.user
    lead = _lead_for(user, pk, policy.CHANGE)
    if not policy.may_do(user, "mark_lead_confidential"):
        raise PermissionDenied(_("只有市级管理员可以标记投资方保密。"))
    services.lead_mark_confidential(
        user=user, lead=lead, confidential=request.POST.get("confidential") == "1"
    )
    messages.success(request, _("已更新投资方保密标记。"))
    return redirect("attraction:lead_detail", lead.pk)


@login_required
def lead_sign(request, pk: int):
    """签约: the lead becomes a project (one service), and the page goes to the project."""
    user = request.user
    lead = _lead_for(user, pk, policy.CHANGE)
    if not policy.may_do(user, "sign_leads"):
        raise PermissionDenied(_("您没有签约转项目的权限。"))
    form = SignForm(request.POST or None, initial={"on": request_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.lead_sign(
                user=user,
                lead=lead,
                on=data["on"],
                category=data["category"],
                level=data["level"],
                code=data["code"] or None,
            )
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"signed_on": "on", "date": "on", "code": "code"})
        else:
            messages.success(
                request, _("已签约，线索转为项目“%(name)s”。") % {"name": project.name}
            )
            return redirect("projects:project_detail", project.pk)
    return _form_page(request, form, _("签约转为项目"), lead)


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


@login_required
def reserve(request):
    """储备库: the pool's projects by tier, its counts and amounts by tier, unit and
    cluster, how many entered this year's plan, and the period's 四个一批."""
    user = request.user
    if not policy.may_do(user, "project.view"):
        raise PermissionDenied(_("您没有查看储备库的权限。"))
    today = request_today()
    year = today.year
    entries = reserve_entries_visible(user=user)
    tier_id = request.GET.get("tier") or ""
    rows = entries.filter(tier_id=int(tier_id)) if tier_id.isdigit() else entries
    rows = rows.order_by("-tier__order", "project__unit__sort_order", "-project__total_investment")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return table_export(export, RESERVE_COLUMNS, rows, "reserve-pool", "储备库")
    start = parse_date(request.GET.get("start"), date(year, 1, 1))
    end = parse_date(request.GET.get("end"), today)
    projects = Project.objects.restrict(user)
    city = _city(user, request)
    return render(
        request,
        "attraction/reserve.html",
        {
            "pool": reserve_pool(entries=entries, year=year),
            "batches": four_batches(projects=projects, entries=entries, start=start, end=end),
            "start": start,
            "end": end,
            "tiers": reserve_tiers(city),
            "tier_id": tier_id,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query_without_page(request),
        },
    )


@login_required
def reserve_place(request, pk: int):
    """Put a project in the reserve pool or move it between tiers (the tier's conditions
    checked by the service)."""
    user = request.user
    project = get_object_or_404(Project.objects.restrict(user, policy.CHANGE), pk=pk)
    city = project.unit.city or project.unit
    entry = ReserveEntry.objects.filter(project=project).first()
    form = ReserveForm(
        request.POST or None,
        tiers=reserve_tiers(city),
        initial={
            "tier": entry.tier_id if entry else None,
            "land_ready": entry.land_ready if entry else False,
            "filing_ready": entry.filing_ready if entry else False,
            "funding_ready": entry.funding_ready if entry else False,
            "on": entry.entered_on if entry else request_today(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reserve_place(
                user=user,
                project=project,
                tier=data["tier"],
                land_ready=data["land_ready"],
                filing_ready=data["filing_ready"],
                funding_ready=data["funding_ready"],
                on=data["on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, aliases={"entered_on": "on"})
        else:
            messages.success(request, _("已更新储备库梯次。"))
            return redirect("attraction:reserve")
    return render(
        request,
        "attraction/form.html",
        {"form": form, "title": _("储备库：%(name)s") % {"name": project.name}, "back": "reserve"},
    )


# --------------------------------------------------------------------------- campaigns


def _require_campaigns(user) -> None:
    _require(user, policy.VIEW)
    if not policy.may_do(user, "config.view"):
        raise PermissionDenied(_("您没有查看招商攻坚活动的权限。"))


@login_required
@require_GET
def campaigns(request):
    """百日攻坚 / 招商擂台赛: the city's campaigns and their rounds."""
    user = request.user
    _require_campaigns(user)
    city = _city(user, request)
    found = Campaign.objects.filter(city=city).prefetch_related("rounds")
    return render(request, "attraction/campaigns.html", {"campaigns": found})


@login_required
@require_GET
def round_detail(request, pk: int):
    """A round's ranking (进位/退位 against the round before) and its bulletin (通报)."""
    user = request.user
    _require_campaigns(user)
    rnd = get_object_or_404(
        CampaignRound.objects.restrict(user).select_related("campaign__city"), pk=pk
    )
    ranking = round_ranking(rnd)
    return render(
        request,
        "attraction/round.html",
        {
            "round": rnd,
            "ranking": ranking,
            "indicators": CAMPAIGN_INDICATORS,
            "up": [r for r in ranking if r["moved"] and r["moved"] > 0],
            "down": [r for r in ranking if r["moved"] and r["moved"] < 0],
        },
    )
