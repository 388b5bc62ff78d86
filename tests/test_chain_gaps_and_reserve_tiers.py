"""The chain map's gaps and the reserve pool's tiers (issue 15, items 4 and 5), on a small
hand-built city: the answers are counted by hand below."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ballast.attraction import services
from ballast.attraction.models import ChainLink, ReserveEntry, ReserveTier
from ballast.attraction.selectors import chain_gaps, chain_map, four_batches, reserve_pool
from ballast.attraction.workbooks import read_chain_workbook
from ballast.projects import services as projects
from ballast.projects.models import Project
from tests.attraction_city import channels, lead


def _workbook(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    book.active.append(["扬州市招商图谱（2026）"])  # a title row above the header
    book.active.append(["产业集群", "环节", "链节", "目标企业"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def chain(people, city, cluster):
    rows = read_chain_workbook(
        _workbook(
            [
                ["新能源", "上游", "硅料", "通威股份、协鑫科技"],
                [None, None, None, None],  # a blank row is skipped
                ["新能源", "中游", "光伏组件", ""],
                ["新能源", "下游", "储能电站", "宁德时代"],
            ]
        )
    )
    counts = services.chain_map_import(user=people["city_admin"], city=city, rows=rows)
    assert counts == {"links": 3, "targets": 3}
    return {link.name: link for link in ChainLink.objects.filter(cluster=cluster)}


def test_a_bad_row_imports_nothing(people, city, cluster):
    rows = read_chain_workbook(
        _workbook([["新能源", "上游", "硅料", ""], ["新能源", "旁游", "电池片", ""]])
    )
    with pytest.raises(ValidationError) as caught:
        services.chain_map_import(user=people["city_admin"], city=city, rows=rows)
    assert "第 4 行：环节应为 上游、中游 或 下游" in str(caught.value)
    assert not ChainLink.objects.exists()
    with pytest.raises(PermissionDenied):
        services.chain_map_import(user=people["clerk_a"], city=city, rows=rows[:1])


def test_gaps_are_links_without_projects_or_live_leads(
    chain, people, unit_a, unit_b, city, cluster, make_project
):
    ch = channels(city)
    # 光伏组件 gets a project, 储能电站 a lead of unit B (confidential), 硅料 only a
    # terminated lead: 硅料 is the one gap.
    project = make_project(name="光伏组件项目")
    chain["光伏组件"].projects.add(project)
    stored = lead(people["clerk_b"], unit_b, ch["chain"], cluster=cluster, link=chain["储能电站"])
    services.lead_mark_confidential(user=people["city_admin"], lead=stored, confidential=True)
    dropped = lead(
        people["clerk_a"], unit_a, ch["chain"], cluster=cluster, link=chain["硅料"],
        project_name="硅料项目",
    )  # fmt: skip
    services.lead_terminate(
        user=people["clerk_a"], lead=dropped, on=date(2026, 2, 1), reason="elsewhere"
    )
    assert [g.name for g in chain_gaps(city=city)] == ["硅料"]
    seen = chain_map(user=people["clerk_a"], cluster=cluster)
    assert [g.name for g in seen["gaps"]] == ["硅料"]
    down = next(s for s in seen["segments"] if s["segment"] == "down")["links"][0]
    assert [x.shown_investor for x in down.lead_rows] == [None]  # hidden from unit A
    seen_by_b = chain_map(user=people["clerk_b"], cluster=cluster)
    down_b = next(s for s in seen_by_b["segments"] if s["segment"] == "down")["links"][0]
    assert [x.shown_investor for x in down_b.lead_rows] == ["扬州新能源有限公司"]
    assert [t.name for t in chain["硅料"].targets.all()] == ["通威股份", "协鑫科技"]


@pytest.fixture
def tiers(city):
    return [
        ReserveTier.objects.create(city=city, code="plan", name="谋划", order=1),
        ReserveTier.objects.create(city=city, code="prep", name="预备", order=2, needs_land=True),
        ReserveTier.objects.create(
            city=city, code="mature", name="成熟", order=3,
            needs_land=True, needs_filing=True, needs_funding=True,
        ),
    ]  # fmt: skip


def test_tier_counts_and_conditions(tiers, people, make_project, unit_b):
    clerk = people["clerk_a"]
    plan, prep, mature = tiers
    p1 = make_project(total_investment=Decimal("10000"))
    p2 = make_project(total_investment=Decimal("20000"))
    p3 = make_project(total_investment=Decimal("40000"))
    p4 = make_project(unit_b, total_investment=Decimal("80000"))
    flags = {"land_ready": False, "filing_ready": False, "funding_ready": False}
    with pytest.raises(ValidationError) as caught:
        services.reserve_place(user=clerk, project=p1, tier=mature, on=date(2026, 3, 1), **flags)
    assert "须先落实：用地、立项备案、资金" in str(caught.value)
    services.reserve_place(user=clerk, project=p1, tier=plan, on=date(2026, 3, 1), **flags)
    services.reserve_place(
        user=clerk, project=p2, tier=prep, on=date(2025, 11, 1), **{**flags, "land_ready": True}
    )
    ready = {"land_ready": True, "filing_ready": True, "funding_ready": True}
    services.reserve_place(user=clerk, project=p3, tier=mature, on=date(2026, 1, 10), **ready)
    services.reserve_place(
        user=people["city_admin"], project=p4, tier=mature, on=date(2026, 4, 1), **ready
    )
    with pytest.raises(PermissionDenied):
        services.reserve_place(user=clerk, project=p4, tier=plan, on=date(2026, 4, 1), **flags)
    projects.plan_save(user=clerk, project=p3, year=2026, planned_investment=Decimal("5000"))
    # moving up keeps the day it entered the pool
    services.reserve_place(
        user=clerk, project=p1, tier=prep, on=date(2026, 5, 1), **{**flags, "land_ready": True}
    )
    assert ReserveEntry.objects.get(project=p1).entered_on == date(2026, 3, 1)

    pool = reserve_pool(entries=ReserveEntry.objects.all(), year=2026)
    assert [
        (t["tier__name"], t["count"], t["amount_wan"], t["in_plan"]) for t in pool["by_tier"]
    ] == [
        ("预备", 2, Decimal("30000"), 0),
        ("成熟", 2, Decimal("120000"), 1),
    ]
    assert pool["total"] == {"count": 4, "amount_wan": Decimal("150000")}
    mine = reserve_pool(entries=ReserveEntry.objects.restrict(clerk), year=2026)
    assert mine["total"]["count"] == 3

    batches = four_batches(
        projects=Project.objects.all(), entries=ReserveEntry.objects.all(),
        start=date(2026, 1, 1), end=date(2026, 6, 30),
    )  # fmt: skip
    assert batches["reserved"]["count"] == 3  # p1 (3-1), p3 (1-10), p4 (4-1); not p2 (2025)
