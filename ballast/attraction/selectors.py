"""Reads of investment attraction: the leads a person sees, the duplicates the city
resolves, and the attraction figures (the funnel, signed by channel and cluster).
Figures are computed by the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from ballast.accounts import policy
from ballast.assessments.schemes import scheme_data_from_yaml
from ballast.assessments.scoring import evaluate
from ballast.assessments.selectors import SchemeDefinition
from ballast.attraction.choices import CAMPAIGN_INDICATORS, ChainSegment, LeadStage
from ballast.attraction.models import ChainLink, Lead, ReserveEntry, ReserveTier
from ballast.projects.choices import SIZE_THRESHOLDS_WAN, SizeClass, Stage
from ballast.projects.models import AnnualPlan, Project, StageEvent
from ballast.regions.models import within


def leads_visible(*, user):
    """The leads ``user`` may see: a unit its own, the city all of the city's."""
    return Lead.objects.restrict(user).select_related("unit", "channel", "cluster")


def city_leads(city):
    """Every lead of ``city`` (for the city-wide figures and the duplicate check)."""
    return Lead.objects.filter(within("unit", city))


def duplicate_groups(*, city) -> list[dict]:
    """Leads of the same investor and project raised by more than one unit and not yet
    resolved: ``[{"investor_key", "project_key", "leads": [Lead, …]}]``, the first lead
    of a group the earliest raised. One grouped query finds the keys."""
    live = city_leads(city).filter(duplicate_of__isnull=True, duplicates__isnull=True)
    live = live.exclude(stage=LeadStage.TERMINATED)
    keys = (
        live.values("investor_key", "project_key")
        .annotate(units=Count("unit", distinct=True))
        .filter(units__gt=1)
        .order_by("investor_key", "project_key")
    )
    wanted = Q(pk__in=[])
    for key in keys:
        wanted |= Q(investor_key=key["investor_key"], project_key=key["project_key"])
    groups: dict[tuple, list] = {}
    rows = (
        city_leads(city)
        .filter(wanted, duplicate_of__isnull=True)
        .exclude(stage=LeadStage.TERMINATED)
    )
    for lead in rows.select_related("unit", "channel").order_by("info_on", "pk"):
        groups.setdefault((lead.investor_key, lead.project_key), []).append(lead)
    return [
        {"investor_key": k[0], "project_key": k[1], "leads": v}
        for k, v in groups.items()
        if len({lead.unit_id for lead in v}) > 1
    ]


def duplicates_for(*, user, city) -> list[dict]:
    """:func:`duplicate_groups` as ``user`` may see them: the investor of a confidential
    lead of another unit is hidden (``policy.shows_lead_investor``)."""
    groups = duplicate_groups(city=city)
    for group in groups:
        for lead in group["leads"]:
            lead.shown_investor = lead.investor if policy.shows_lead_investor(user, lead) else None
    return groups


def _size_q(low: int, high: int | None = None) -> Q:
    q = Q(amount__gte=low)
    if high is not None:
        q &= Q(amount__lt=high)
    return q


def attraction_figures(*, leads, start: date, end: date) -> dict:
    """The attraction figures of ``leads`` (already scoped) for the period start–end:

    * ``funnel``: leads reached each stage by ``end`` (a lead counts at every stage it
      reached; duplicates resolved by the city are left out), with the conversion rate of
      each stage from the one before;
    * ``signed``: count and amount signed in the period, by size class (亿元以上, 10亿元以上,
      50亿元以上), foreign capital (万美元), by channel and by cluster;
    * ``days_to_sign``: the average days from first contact to signing of those signed.
    """
    live = leads.filter(duplicate_of__isnull=True, info_on__lte=end)
    funnel_counts = live.aggregate(
        info=Count("pk"),
        contact=Count("pk", filter=Q(contacted_on__lte=end)),
        negotiating=Count("pk", filter=Q(negotiating_on__lte=end)),
        signed=Count("pk", filter=Q(signed_on__lte=end)),
        terminated=Count("pk", filter=Q(terminated_on__lte=end)),
    )
    funnel = []
    previous = None
    for stage in (LeadStage.INFO, LeadStage.CONTACT, LeadStage.NEGOTIATING, LeadStage.SIGNED):
        n = funnel_counts[stage.value]
        rate = None
        if previous:
            rate = (Decimal(n) * 100 / previous).quantize(Decimal("0.1"))
        funnel.append({"stage": stage.value, "label": stage.label, "count": n, "rate": rate})
        previous = n
    signed = live.filter(signed_on__gte=start, signed_on__lte=end)
    ten_yi = dict(SIZE_THRESHOLDS_WAN)[SizeClass.TEN_YI]
    fifty_yi = dict(SIZE_THRESHOLDS_WAN)[SizeClass.FIFTY_YI]
    one_yi = dict(SIZE_THRESHOLDS_WAN)[SizeClass.ONE_YI]
    zero = Decimal(0)
    totals = signed.aggregate(
        count=Count("pk"),
        amount_wan=Coalesce(Sum("amount"), zero),
        usd_wan=Coalesce(Sum("amount_usd"), zero),
        over_1yi=Count("pk", filter=_size_q(one_yi)),
        over_10yi=Count("pk", filter=_size_q(ten_yi)),
        over_50yi=Count("pk", filter=_size_q(fifty_yi)),
        foreign=Count("pk", filter=Q(amount_usd__gt=0)),
    )
    by_channel = list(
        signed.values("channel__name")
        .annotate(count=Count("pk"), amount_wan=Sum("amount"))
        .order_by("-amount_wan", "channel__name")
    )
    by_cluster = list(
        signed.values("cluster__name")
        .annotate(count=Count("pk"), amount_wan=Sum("amount"))
        .order_by("-amount_wan", "cluster__name")
    )
    by_unit = list(
        signed.values("unit__code", "unit__name")
        .annotate(count=Count("pk"), amount_wan=Sum("amount"))
        .order_by("unit__code")
    )
    span = ExpressionWrapper(F("signed_on") - F("contacted_on"), output_field=DurationField())
    days = [
        d.days
        for d in signed.filter(contacted_on__isnull=False)
        .annotate(span=span)
        .values_list("span", flat=True)
        if d is not None
    ]
    return {
        "start": start,
        "end": end,
        "funnel": funnel,
        "terminated": funnel_counts["terminated"],
        "open": live.filter(stage__in=(LeadStage.INFO, LeadStage.CONTACT, LeadStage.NEGOTIATING))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gt=end))
        .count(),
        "signed": totals,
        "by_channel": by_channel,
        "by_cluster": by_cluster,
        "by_unit": by_unit,
        "days_to_sign": round(sum(days) / len(days)) if days else None,
    }


# --------------------------------------------------------------------------- chain map

LIVE_LEAD = Q(duplicate_of__isnull=True) & ~Q(stage=LeadStage.TERMINATED)


def chain_map(*, user, cluster) -> dict:
    """A cluster's chain map (招商图谱) as ``user`` may see it: per segment (上游/中游/
    下游) its links, each with its projects (those ``user`` may see; the count is all of
    them), its live leads (every unit's, the investor hidden where
    ``policy.shows_lead_investor`` says so), its target enterprises, and whether it is a
    gap (缺链: no project and no live lead)."""
    links = list(
        ChainLink.objects.filter(cluster=cluster)
        .annotate(
            n_projects=Count("projects", distinct=True),
            n_leads=Count(
                "leads", filter=Q(leads__in=Lead.objects.filter(LIVE_LEAD)), distinct=True
            ),
        )
        .prefetch_related("targets")
        .order_by("segment", "sort_order", "pk")
    )
    visible = set(
        Project.objects.restrict(user)
        .filter(chain_links__cluster=cluster)
        .values_list("pk", flat=True)
    )
    projects: dict[int, list] = {}
    for link_id, pk, name in ChainLink.projects.through.objects.filter(
        chainlink__cluster=cluster
    ).values_list("chainlink_id", "project_id", "project__name"):
        projects.setdefault(link_id, []).append({"pk": pk, "name": name, "viewable": pk in visible})
    leads: dict[int, list] = {}
    for lead in Lead.objects.filter(LIVE_LEAD, link__cluster=cluster).select_related("unit"):
        lead.shown_investor = lead.investor if policy.shows_lead_investor(user, lead) else None
        leads.setdefault(lead.link_id, []).append(lead)
    segments = []
    for value, label in ChainSegment.choices:
        rows = []
        for link in links:
            if link.segment != value:
                continue
            link.project_rows = projects.get(link.pk, [])
            link.lead_rows = leads.get(link.pk, [])
            link.is_gap = link.n_projects == 0 and link.n_leads == 0
            rows.append(link)
        segments.append({"segment": value, "label": label, "links": rows})
    return {
        "cluster": cluster,
        "segments": segments,
        "gaps": [link for link in links if link.n_projects == 0 and link.n_leads == 0],
    }


def chain_gaps(*, city) -> QuerySet:
    """The gaps (缺链) of every cluster of ``city``: links with no project and no live lead."""
    return (
        ChainLink.objects.filter(cluster__city=city)
        .annotate(
            n_projects=Count("projects", distinct=True),
            n_leads=Count(
                "leads", filter=Q(leads__in=Lead.objects.filter(LIVE_LEAD)), distinct=True
            ),
        )
        .filter(n_projects=0, n_leads=0)
        .select_related("cluster")
        .order_by("cluster__sort_order", "segment", "sort_order")
    )


# --------------------------------------------------------------------------- reserve pool


def reserve_pool(*, entries, year: int) -> dict:
    """The reserve pool (储备库) of ``entries`` (already scoped): count and amount (万元)
    by tier, by unit and by cluster, and per tier how many entered the annual plan of
    ``year`` (a plan row for that year)."""
    zero = Decimal(0)
    in_plan = AnnualPlan.objects.filter(project=OuterRef("project"), year=year)
    entries = entries.annotate(planned=Exists(in_plan))
    by_tier = list(
        entries.values("tier__name", "tier__order")
        .annotate(
            count=Count("pk"),
            amount_wan=Coalesce(Sum("project__total_investment"), zero),
            in_plan=Count("pk", filter=Q(planned=True)),
        )
        .order_by("tier__order")
    )
    by_unit = list(
        entries.values("project__unit__name", "project__unit__sort_order")
        .annotate(count=Count("pk"), amount_wan=Coalesce(Sum("project__total_investment"), zero))
        .order_by("project__unit__sort_order")
    )
    by_cluster = list(
        entries.values("project__cluster__name")
        .annotate(count=Count("pk"), amount_wan=Coalesce(Sum("project__total_investment"), zero))
        .order_by("-count", "project__cluster__name")
    )
    total = entries.aggregate(
        count=Count("pk"), amount_wan=Coalesce(Sum("project__total_investment"), zero)
    )
    return {
        "year": year,
        "total": total,
        "by_tier": by_tier,
        "by_unit": by_unit,
        "by_cluster": by_cluster,
    }


def four_batches(*, projects, entries, start: date, end: date) -> dict:
    """四个一批 of the period start–end: 建成完工一批 (completed), 启动开工一批 (started),
    谋划储备一批 (entered the reserve pool), 招引落地一批 (landed) — counts and amounts."""
    zero = Decimal(0)
    in_period = Q(date__gte=start, date__lte=end)
    events = StageEvent.objects.filter(in_period, project__in=projects)
    result = {}
    for key, stage in (
        ("completed", Stage.COMPLETED),
        ("started", Stage.STARTED),
        ("landed", Stage.LANDED),
    ):
        result[key] = events.filter(stage=stage).aggregate(
            count=Count("pk"), amount_wan=Coalesce(Sum("project__total_investment"), zero)
        )
    result["reserved"] = entries.filter(entered_on__gte=start, entered_on__lte=end).aggregate(
        count=Count("pk"), amount_wan=Coalesce(Sum("project__total_investment"), zero)
    )
    return result


def reserve_entries_visible(*, user):
    return ReserveEntry.objects.restrict(user).select_related("project__unit", "tier")


def reserve_tiers(city):
    return ReserveTier.objects.filter(city=city).order_by("order")


def to_plain(value):
    """Figures as JSON values: money (Decimal) as "123.40" strings, dates ISO, lists and
    dicts through; rates (``rate``) as numbers."""
    if isinstance(value, dict):
        return {
            k: (float(v) if k == "rate" and v is not None else to_plain(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- campaigns


def round_actuals(rnd) -> dict[int, dict]:
    """What each unit of the round's city did in the round's dates: leads signed (count,
    amount, size classes, foreign capital — duplicates left out) and projects started
    (开工 stage events). One grouped query each."""
    city = rnd.campaign.city
    one_yi = dict(SIZE_THRESHOLDS_WAN)[SizeClass.ONE_YI]
    ten_yi = dict(SIZE_THRESHOLDS_WAN)[SizeClass.TEN_YI]
    fifty_yi = dict(SIZE_THRESHOLDS_WAN)[SizeClass.FIFTY_YI]
    zero = Decimal(0)
    signed = (
        city_leads(city)
        .filter(duplicate_of__isnull=True, signed_on__gte=rnd.start, signed_on__lte=rnd.end)
        .values("unit_id")
        .annotate(
            signed_count=Count("pk"),
            signed_amount_wan=Coalesce(Sum("amount"), zero),
            over_1yi=Count("pk", filter=_size_q(one_yi)),
            over_10yi=Count("pk", filter=_size_q(ten_yi)),
            over_50yi=Count("pk", filter=_size_q(fifty_yi)),
            foreign_usd_wan=Coalesce(Sum("amount_usd"), zero),
        )
        .order_by()
    )
    out: dict[int, dict] = {}
    for row in signed:
        out[row.pop("unit_id")] = row
    starts = (
        StageEvent.objects.filter(
            within("project__unit", city),
            stage=Stage.STARTED,
            date__gte=rnd.start,
            date__lte=rnd.end,
        )
        .values("project__unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in starts:
        out.setdefault(row["project__unit_id"], {})["new_starts"] = row["n"]
    return out


CAMPAIGN_SCHEME_FILE = Path(__file__).resolve().parent / "data" / "campaign_scheme.yaml"


@lru_cache(maxsize=1)
def _shipped_scheme() -> SchemeDefinition:
    text = CAMPAIGN_SCHEME_FILE.read_text(encoding="utf-8")
    return SchemeDefinition.from_data(scheme_data_from_yaml(text))


def campaign_scheme(campaign) -> SchemeDefinition:
    """The scheme that scores ``campaign``'s rounds: its own assessment scheme (攻坚轮次)
    or the shipped one (``data/campaign_scheme.yaml``)."""
    if campaign.scheme_id:
        return SchemeDefinition.of(campaign.scheme)
    return _shipped_scheme()


def round_ranking(rnd, *, _previous=True) -> list[dict]:
    """The ranking of a campaign round, scored by the campaign's scheme through the
    assessment engine (``assessments.scoring.evaluate``): per unit with targets, each
    indicator's actual, target, completion (actual / target) and points, the score (the
    sum of the points), the rank (ties share the better rank), and 进位/退位 against the
    round before (``moved`` > 0: up that many places)."""
    definition = campaign_scheme(rnd.campaign)
    actuals = round_actuals(rnd)
    targets = list(rnd.targets.select_related("unit").order_by("unit__sort_order"))
    units = {t.unit.code: t.unit for t in targets}
    values = {
        t.unit.code: {key: actuals.get(t.unit_id, {}).get(key) or 0 for key in CAMPAIGN_INDICATORS}
        for t in targets
    }
    goals = {t.unit.code: {key: getattr(t, key) for key in CAMPAIGN_INDICATORS} for t in targets}
    previous = None
    if _previous:
        before = rnd.campaign.rounds.filter(number__lt=rnd.number).order_by("-number").first()
        if before is not None:
            previous = {r["unit"].code: r["rank"] for r in round_ranking(before, _previous=False)}
    results = evaluate(
        definition.indicators, list(units), values, targets=goals, previous_ranks=previous
    )
    order = {code: i for i, code in enumerate(units)}
    results.sort(key=lambda r: (r.rank, order[r.unit]))
    rows = []
    for result in results:
        indicators = []
        for spec in definition.indicators:
            scored = result.indicators[spec.key]
            actual = Decimal(values[result.unit][spec.key])
            goal = Decimal(goals[result.unit][spec.key] or 0)
            indicators.append(
                {
                    "key": spec.key,
                    "label": spec.label,
                    "weight": Decimal(spec.weight),
                    "actual": actual,
                    "target": goal,
                    "completion": (actual / goal) if goal > 0 else None,
                    "points": scored.points,
                }
            )
        rows.append(
            {
                "unit": units[result.unit],
                "indicators": indicators,
                "score": result.score,
                "rank": result.rank,
                "moved": result.rank_change,
            }
        )
    return rows
