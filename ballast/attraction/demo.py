"""The demo city's investment attraction: the city's channels and a pipeline of leads
over its units, clusters and every channel — the signed ones linked to the demo projects
they became (same investor, name, amount and 签约 date), open ones at every stage with
their contacts log, terminated ones with reasons, and a few duplicates (same investor and
project raised by two units), one of them already resolved by the city.

:func:`demo_step` is one step of ``ballast.demo.services.DEMO_STEPS``; it draws its
random numbers from ``ctx.rng("attraction")`` and writes in bulk with history
(``ctx.bulk``), so the build stays fast.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import yaml

from ballast.assessments.services import scheme_import
from ballast.attraction.choices import (
    ChainSegment,
    LeadStage,
    LeadTerminationReason,
    Likelihood,
    SourceTeam,
)
from ballast.attraction.models import (
    Campaign,
    CampaignRound,
    ChainLink,
    Channel,
    Lead,
    LeadContact,
    ReserveEntry,
    ReserveTier,
    RoundTarget,
    TargetEnterprise,
    match_key,
)
from ballast.attraction.selectors import CAMPAIGN_SCHEME_FILE
from ballast.core.periods import add_months, month_start
from ballast.projects.choices import Stage
from ballast.projects.models import AnnualPlan, Project, StageEvent

CHANNELS = [
    ("chain", "产业链招商"),
    ("fund", "基金招商"),
    ("native", "乡贤招商"),
    ("resident", "驻点招商"),
    ("business", "以商招商"),
    ("expo", "展会招商"),
    ("other", "其他"),
]
# Up- and downstream links of every cluster's chain (midstream: the cluster's products).
UPSTREAM = ["关键原材料", "核心零部件"]
DOWNSTREAM = ["系统集成与应用", "回收再利用"]
TIERS = [
    # code, name, order, needs land, filing, funding
    ("plan", "谋划", 1, False, False, False),
    ("prepare", "预备", 2, True, False, False),
    ("mature", "成熟", 3, True, True, True),
]
OPEN_LEADS = 230
TERMINATED_LEADS = 45
SIGNED_LEADS = 140

PREFIXES = ["苏", "沪", "浙", "粤", "京", "深", "中", "华", "恒", "正", "德", "新", "海", "东"]
BRANDS = ["远", "泰", "科", "源", "鑫", "盛", "达", "宇", "晟", "博", "锐", "航", "芯", "瑞"]
KINDS = ["科技", "新材料", "智能装备", "能源", "生物", "电子", "控股集团", "实业"]
FOREIGN = ["(香港)", "(新加坡)", "(德国)", "(日本)", "(韩国)"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
TITLES = ["董事长", "总经理", "副总裁", "投资总监", "项目负责人"]
OURS = ["招商局局长", "园区管委会主任", "招商小组组长", "驻点招商专员", "分管副区长"]
CONTENT = [
    "首次接洽，介绍园区产业基础与要素保障",
    "企业来扬考察选址，察看意向地块",
    "对接供地方案与投资强度要求",
    "洽谈基金合作与配套政策",
    "就投资协议文本交换意见",
    "企业内部立项，等待董事会决策",
]
NEXT = ["赴企业总部回访", "提供地块规划条件", "报送政策兑现清单", "组织专班洽谈", "准备签约仪式"]


def _investor(rng, foreign: bool) -> str:
    name = f"{rng.choice(PREFIXES)}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(KINDS)}"
    return f"{name}{rng.choice(FOREIGN) if foreign else ''}有限公司"


def _amount(rng) -> Decimal:
    # Mostly 1–20 亿元, some 20–100 亿元, a few below 1 亿元 (万元, whole hundreds).
    roll = rng.random()
    if roll < 0.12:
        value = rng.randint(30, 99) * 100
    elif roll < 0.85:
        value = rng.randint(10, 200) * 1000
    else:
        value = rng.randint(20, 100) * 10000
    return Decimal(value)


def _link_for(links_by_cluster, rng, cluster, project_name):
    """The chain link a lead names: its product's midstream link, or now and then the
    cluster's first upstream link; the last downstream link stays a gap (缺链)."""
    if cluster is None:
        return None
    links = links_by_cluster.get(cluster.pk, [])
    for link in links:
        if link.segment == ChainSegment.MIDSTREAM and link.name in project_name:
            return link
    if links and rng.random() < 0.15:
        return links[0]
    return None


def _chain_links(ctx, rng, clusters, products) -> dict:
    """Every cluster's chain: upstream, its products as midstream, downstream; and target
    enterprises on the links that are (or may stay) gaps."""
    rows = []
    for cluster in clusters:
        order = 0
        for segment, names in (
            (ChainSegment.UPSTREAM, UPSTREAM),
            (ChainSegment.MIDSTREAM, products.get(cluster.code, [])),
            (ChainSegment.DOWNSTREAM, DOWNSTREAM),
        ):
            for name in names:
                order += 1
                rows.append(
                    ChainLink(cluster=cluster, segment=segment, name=name, sort_order=order)
                )
    ctx.bulk(ChainLink, rows)
    links = list(ChainLink.objects.filter(cluster__in=clusters).order_by("cluster", "sort_order"))
    by_cluster: dict = {}
    for link in links:
        by_cluster.setdefault(link.cluster_id, []).append(link)
    targets = []
    for link in links:
        if link.segment != ChainSegment.MIDSTREAM or rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                targets.append(
                    TargetEnterprise(link=link, name=_investor(rng, rng.random() < 0.2), note="")
                )
    ctx.bulk(TargetEnterprise, targets)
    # The projects of each midstream link: the cluster's projects making its product.
    through = ChainLink.projects.through
    pairs = []
    for project in Project.objects.filter(cluster__in=clusters).only("pk", "name", "cluster_id"):
        for link in by_cluster.get(project.cluster_id, []):
            if link.segment == ChainSegment.MIDSTREAM and link.name in project.name:
                pairs.append(through(chainlink_id=link.pk, project_id=project.pk))
    through.objects.bulk_create(pairs, batch_size=500)
    return by_cluster


def _reserve_pool(ctx, rng) -> None:
    """The city's tiers and its reserve projects (储备 without a 签约) placed in them, the
    conditions of each tier met; the latest-entered ones count in this year's 谋划储备."""
    tiers = ctx.bulk(
        ReserveTier,
        [
            ReserveTier(city=ctx.city, code=c, name=n, order=o, needs_land=land,
                        needs_filing=filing, needs_funding=funding)
            for c, n, o, land, filing, funding in TIERS
        ],
    )  # fmt: skip
    reserved = (
        StageEvent.objects.filter(stage=Stage.RESERVE, project__unit__in=ctx.units)
        .exclude(project__stage_events__stage__in=[Stage.SIGNED, Stage.LANDED, Stage.STARTED])
        .select_related("project")
        .order_by("pk")
    )
    planned = set(
        AnnualPlan.objects.filter(year=ctx.today.year).values_list("project_id", flat=True)
    )
    rows = []
    for event in reserved:
        tier = tiers[2] if event.project_id in planned else rng.choices(tiers, [5, 3, 2])[0]
        rows.append(
            ReserveEntry(
                project=event.project,
                tier=tier,
                land_ready=tier.needs_land or rng.random() < 0.3,
                filing_ready=tier.needs_filing or rng.random() < 0.2,
                funding_ready=tier.needs_funding or rng.random() < 0.2,
                entered_on=event.date,
            )
        )
    ctx.bulk(ReserveEntry, rows)


def _row(ctx, rng, channels, unit, cluster, **fields) -> Lead:
    row = Lead(
        unit=unit,
        cluster=cluster,
        channel=fields.pop("channel", None) or rng.choice(channels),
        source_team=rng.choice(SourceTeam.values),
        responsible_person=f"{rng.choice(SURNAMES)}{rng.choice('伟敏军静华强磊洋艳杰')}",
        likelihood=rng.choice(Likelihood.values),
        **fields,
    )
    row.link = _link_for(ctx.attraction_links, rng, cluster, row.project_name)
    row.investor_key = row.investor_credit_code.upper() or match_key(row.investor)
    row.project_key = match_key(row.project_name)
    return row


def _contacts(rng, lead: Lead, first, last) -> list[LeadContact]:
    """One to four contacts between ``first`` and ``last`` (the first on ``first``)."""
    span = max((last - first).days, 0)
    days = sorted({0, *(rng.randint(0, span) for _ in range(rng.randint(0, 3)))})
    rows = []
    for i, offset in enumerate(days):
        on = first + timedelta(days=offset)
        rows.append(
            LeadContact(
                lead=lead,
                date=on,
                ours=f"{lead.unit.display_name}{rng.choice(OURS)}",
                theirs=f"{rng.choice(SURNAMES)}{rng.choice(TITLES)}",
                content=CONTENT[min(i, len(CONTENT) - 1)] if i else CONTENT[0],
                next_step=rng.choice(NEXT),
                next_on=on + timedelta(days=rng.randint(7, 30)),
            )
        )
    return rows


def demo_step(ctx, *, products: dict[str, list[str]]) -> None:
    """Build the pipeline; ``products`` are the demo's product names by cluster code."""
    rng = ctx.rng("attraction")
    today = ctx.today
    channels = ctx.bulk(
        Channel,
        [
            Channel(city=ctx.city, code=code, name=name, sort_order=i)
            for i, (code, name) in enumerate(CHANNELS, start=1)
        ],
    )
    clusters = list(ctx.clusters.values())
    links_by_cluster = _chain_links(ctx, rng, clusters, products)
    ctx.attraction_links = links_by_cluster
    units = list(ctx.units)
    weights = [1] * len(units)

    # Signed: the demo projects signed in the last three years, most recent first.
    signed_events = list(
        StageEvent.objects.filter(
            stage=Stage.SIGNED,
            project__unit__in=units,
            project__parent__isnull=True,
            date__gte=today.replace(year=today.year - 3, month=1, day=1),
        )
        .select_related("project__unit", "project__cluster")
        .order_by("-date", "pk")[:SIGNED_LEADS]
    )
    talks = dict(
        StageEvent.objects.filter(
            stage=Stage.NEGOTIATING, project__in=[e.project_id for e in signed_events]
        ).values_list("project_id", "date")
    )
    leads: list[Lead] = []
    spans = []
    for i, event in enumerate(signed_events):
        project = event.project
        contacted = talks.get(project.pk) or event.date - timedelta(days=rng.randint(45, 240))
        contacted = min(contacted, event.date)
        info = contacted - timedelta(days=rng.randint(10, 90))
        negotiating = contacted + (event.date - contacted) * rng.randint(3, 8) // 10
        leads.append(
            _row(
                ctx, rng, channels, project.unit, project.cluster,
                channel=channels[i % len(channels)],
                investor=project.investor or _investor(rng, False),
                investor_credit_code=project.investor_credit_code,
                project_name=project.name,
                amount=project.total_investment,
                amount_usd=project.foreign_investment,
                is_listed=rng.random() < 0.2,
                is_fortune500=rng.random() < 0.05,
                is_central_soe=rng.random() < 0.08,
                stage=LeadStage.SIGNED,
                info_on=info,
                contacted_on=contacted,
                negotiating_on=negotiating,
                signed_on=event.date,
                project=project,
            )
        )  # fmt: skip
        spans.append((contacted, event.date))

    # Open leads at every stage, and terminated ones, over every unit and cluster.
    def new_lead(i, stage):
        cluster = clusters[i % len(clusters)]
        unit = rng.choices(units, weights)[0]
        foreign = rng.random() < 0.12
        amount = _amount(rng)
        info = today - timedelta(days=rng.randint(20, 540))
        fields = {
            "investor": _investor(rng, foreign),
            "project_name": f"{rng.choice(products.get(cluster.code, ['产业']))}项目",
            "amount": amount,
            "amount_usd": (amount / 7).quantize(Decimal("1")) if foreign else None,
            "is_listed": rng.random() < 0.25,
            "is_fortune500": rng.random() < 0.06,
            "is_central_soe": rng.random() < 0.1,
            "stage": stage,
            "info_on": info,
            "expected_signing_month": month_start(add_months(today, rng.randint(1, 10))),
        }
        room = (today - info).days
        if stage != LeadStage.INFO:
            fields["contacted_on"] = info + timedelta(days=rng.randint(1, max(1, room // 3)))
        if stage in (LeadStage.NEGOTIATING, LeadStage.TERMINATED) and rng.random() < 0.7:
            fields["negotiating_on"] = fields["contacted_on"] + timedelta(
                days=rng.randint(1, max(1, (today - fields["contacted_on"]).days // 2))
            )
        if stage == LeadStage.TERMINATED:
            last = fields.get("negotiating_on") or fields["contacted_on"]
            fields["terminated_on"] = last + timedelta(days=rng.randint(0, (today - last).days))
            reason = rng.choice(LeadTerminationReason.values)
            fields["termination_reason"] = reason
            fields["termination_note"] = "企业战略调整，暂缓投资" if reason == "other" else ""
            fields["expected_signing_month"] = None
        return _row(ctx, rng, channels, unit, cluster, **fields)

    stages = [LeadStage.INFO] * 3 + [LeadStage.CONTACT] * 4 + [LeadStage.NEGOTIATING] * 3
    for i in range(OPEN_LEADS):
        leads.append(new_lead(i, stages[i % len(stages)]))
    for i in range(TERMINATED_LEADS):
        leads.append(new_lead(i + 5, LeadStage.TERMINATED))

    # Duplicates: the same investor and project raised again by another unit (the city
    # finds four; it has resolved one of them already, below).
    open_ones = [x for x in leads if x.stage in (LeadStage.CONTACT, LeadStage.NEGOTIATING)]
    twins = []
    for original in open_ones[:4]:
        other = next(u for u in units if u.pk != original.unit_id)
        twins.append(
            _row(
                ctx, rng, channels, other, original.cluster,
                investor=original.investor.replace("有限公司", " 有限公司"),
                project_name=original.project_name,
                amount=original.amount,
                stage=LeadStage.CONTACT,
                info_on=original.info_on + timedelta(days=5),
                contacted_on=(original.contacted_on or original.info_on) + timedelta(days=6),
            )
        )  # fmt: skip
    leads += twins
    for x in leads:
        if x.contacted_on and x.contacted_on > today:
            x.contacted_on = today
    created = ctx.bulk(Lead, leads)

    contacts = []
    for x in created:
        if x.contacted_on is None:
            continue
        last = x.signed_on or x.terminated_on or x.negotiating_on or x.contacted_on
        last = max(last, x.contacted_on)
        if x.stage in (LeadStage.CONTACT, LeadStage.NEGOTIATING):
            last = today
        contacts += _contacts(rng, x, x.contacted_on, last)
    ctx.bulk(LeadContact, contacts)

    # The city resolved the first duplicate: kept the earlier lead, both histories stay.
    first_twin = created[-len(twins)]
    original = next(
        x for x in created
        if x.project_key == first_twin.project_key and x.investor_key == first_twin.investor_key
        and x.pk != first_twin.pk
    )  # fmt: skip
    first_twin.duplicate_of = original
    first_twin.duplicate_note = "同一投资方同一项目，保留先登记板块的线索"
    first_twin.save()
    ctx.counts["lead.signed"] = len(signed_events)
    _reserve_pool(ctx, rng)
    _campaigns(ctx, rng)


def _campaigns(ctx, rng) -> None:
    """Two 百日攻坚 campaigns — last year's and this year's — of three rounds each (about a
    month each, this year's ending before today), with per-unit targets."""
    today = ctx.today
    # This year's campaign is scored by a scheme of the city's own (the shipped one with
    # more weight on new starts), last year's by the shipped scheme.
    data = yaml.safe_load(CAMPAIGN_SCHEME_FILE.read_text(encoding="utf-8"))
    data.update(slug="hundred-days", name="新一轮百日攻坚计分办法")
    for item in data["indicators"]:
        item["weight"] = {"signed_amount_wan": 20, "new_starts": 20}.get(
            item["key"], item["weight"]
        )
    scheme = scheme_import(user=ctx.admin, city=ctx.city, data=data)
    campaigns = ctx.bulk(
        Campaign,
        [
            Campaign(city=ctx.city, name=f"{today.year - 1}年招商引资项目推进百日攻坚"),
            Campaign(
                city=ctx.city,
                name=f"{today.year}年新一轮招商引资项目推进百日攻坚",
                scheme=scheme,
            ),
        ],
    )
    rounds = []
    for campaign, first_day in (
        (campaigns[0], today.replace(year=today.year - 1, month=4, day=1)),
        (campaigns[1], month_start(add_months(today, -4))),
    ):
        for number in range(1, 4):
            start = add_months(first_day, number - 1)
            end = add_months(start, 1) - timedelta(days=1)
            rounds.append(CampaignRound(campaign=campaign, number=number, start=start, end=end))
    rounds = ctx.bulk(CampaignRound, rounds)
    targets = []
    for rnd in rounds:
        for unit in ctx.units:
            targets.append(
                RoundTarget(
                    round=rnd,
                    unit=unit,
                    signed_count=rng.randint(1, 4),
                    signed_amount_wan=Decimal(rng.randint(5, 40) * 10000),
                    over_1yi=rng.randint(1, 3),
                    over_10yi=rng.randint(0, 1),
                    over_50yi=0,
                    foreign_usd_wan=Decimal(rng.choice([0, 0, 1000, 3000])),
                    new_starts=rng.randint(1, 3),
                )
            )
    ctx.bulk(RoundTarget, targets)
