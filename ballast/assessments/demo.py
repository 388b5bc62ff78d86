"""The demo city's assessments: default schemes, the last tour's scores in the quarterly
scheme, 亩均 figures of producing industrial projects, and published rankings of the
last four quarters, the last half-year and the last year (so ranks have a history).

A step of :data:`ballast.demo.services.DEMO_STEPS`; runs after the coordination step
(which holds the site tour).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ballast.assessments.models import EfficiencyRecord
from ballast.assessments.services import assessment_publish, ensure_default_schemes
from ballast.core.periods import Period
from ballast.projects.choices import Category, Stage
from ballast.projects.models import Project
from ballast.projects.selectors import reached_by
from ballast.regions.models import within

CENT = Decimal("0.01")


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT, ROUND_HALF_UP)


def _efficiency_rows(ctx, year: int) -> list[EfficiencyRecord]:
    """Plausible yearly figures of every industrial project producing by the year's end."""
    rng = ctx.rng(f"mujun-{year}")
    end = Period(year, "Y").end
    producing = (
        Project.objects.filter(
            within("unit", ctx.city), category=Category.INDUSTRIAL, land_area__gt=0
        )
        .filter(reached_by(Stage.IN_PRODUCTION, end))
        .order_by("pk")
    )
    rows = []
    for project in producing:
        full = float(project.expected_annual_sales or project.total_investment * Decimal("1.2"))
        sales = full * rng.uniform(0.35, 1.15)
        rows.append(
            EfficiencyRecord(
                project=project,
                year=year,
                sales=_money(sales),
                tax=_money(sales * rng.uniform(0.025, 0.09)),
                value_added=_money(sales * rng.uniform(0.16, 0.32)),
                energy=_money(sales * rng.uniform(0.02, 0.12)),
                emissions=Decimal(str(round(sales * rng.uniform(0.00005, 0.0004), 3))),
                rd_spending=_money(sales * rng.uniform(0.01, 0.06)),
                employees=max(20, int(sales / rng.uniform(60, 180))),
                land_area=project.land_area,
            )
        )
    return rows


def demo_step(ctx) -> None:
    admin = ctx.admin
    # (the schemes exist already: the coordination step fed the last tour's scores to the
    # quarterly scheme's manual indicator)
    schemes = {s.slug: s for s in ensure_default_schemes(ctx.city, user=admin)}
    quarterly = schemes["quarterly"]

    for year in (ctx.today.year - 2, ctx.today.year - 1):
        ctx.bulk(EfficiencyRecord, _efficiency_rows(ctx, year))

    # Published rankings: the four quarters before the current one, the last half and year.
    current = Period(ctx.today.year, "Q", (ctx.today.month - 1) // 3 + 1)
    quarters = []
    period = current
    for _ in range(4):
        period = period.previous()
        quarters.append(period)
    half = (
        Period(ctx.today.year, "H", 1)
        if ctx.today.month > 6
        else Period(ctx.today.year - 1, "H", 2)
    )
    published = 0
    for scheme, periods in (
        (quarterly, reversed(quarters)),
        (schemes["half-year"], [half]),
        (schemes["annual"], [Period(ctx.today.year - 1, "Y")]),
    ):
        for period in periods:
            assessment_publish(user=admin, scheme=scheme, period=str(period), as_of=period.end)
            published += 1
    ctx.counts["publishedresult"] = published
