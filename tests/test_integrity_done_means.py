"""Issue 12 item 3, "done means": a test city built with known inflation — 仪征 stuffs
its quarter ends, 高邮 invents round amounts, 广陵 has projects reporting far beyond the
works done — and honest units (邗江, 开发区). The integrity page flags every inflated unit
and none of the honest ones. Seeded by construction (no randomness at all)."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from ballast.figures.integrity import integrity
from ballast.regions.models import Region
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport

YEAR = 2023
AS_OF = date(2023, 12, 31)
STAGES = {"started": date(2022, 6, 1), "in_statistics": date(2022, 7, 1)}


def honest_amount(i, m):
    """The 120 log-uniform amounts 10^(1 + 3k/120) over 10–10,000 万元 (Benford's law
    holds for them), spread over 10 projects × 12 months by a fixed permutation."""
    k = (7 * (i * 12 + m - 1)) % 120
    return Decimal(10 ** (1 + 3 * k / 120)).quantize(Decimal("0.01"))


def stuffed_amount(i, m):
    return Decimal(700 if m % 3 == 0 else 100) + i


def invented_amount(i, m):
    return Decimal(400 + 50 * ((i + m) % 8))


def since_start(amount_of, i):
    return sum(amount_of(i, m) for m in range(1, 13))


def build_unit(make_project, unit, amount_of, *, outrunning=()):
    """Ten started, listed projects of ``unit`` with a year of accepted reports. Each
    project's December report states its works done honestly (reported share of the total
    + 5 points) — except the ``outrunning`` ones, which say 0%."""
    projects = []
    for i in range(10):
        total = (since_start(amount_of, i) * 2).quantize(Decimal("0.01"))
        projects.append(make_project(unit, stages=STAGES, total_investment=total))
    reports = []
    for i, project in enumerate(projects):
        for m in range(1, 13):
            percent = None
            if m == 12:
                percent = Decimal(0) if i in outrunning else Decimal(55)  # share is 50%
            reports.append(
                MonthlyReport(
                    project=project,
                    month=date(YEAR, m, 1),
                    investment=amount_of(i, m),
                    percent_complete=percent,
                    status=ReportStatus.ACCEPTED,
                )
            )
    MonthlyReport.objects.bulk_create(reports)
    return projects


@pytest.fixture
def test_city(city, make_project, people):
    units = {code: Region.objects.get(code=code) for code in ("321081", "321084", "321002")}
    honest = {code: Region.objects.get(code=code) for code in ("321003", "321071")}
    build_unit(make_project, units["321081"], stuffed_amount)
    build_unit(make_project, units["321084"], invented_amount)
    outrunning = build_unit(make_project, units["321002"], honest_amount, outrunning=(0, 1, 2))
    for unit in honest.values():
        build_unit(make_project, unit, honest_amount)
    return {"inflated": units, "honest": honest, "outrunning": outrunning}


def test_the_integrity_page_flags_every_inflated_unit_and_no_honest_one(test_city, people):
    client = Client()
    client.force_login(people["city_admin"])
    response = client.get("/integrity/", {"year": YEAR, "as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    rows = {row["unit"]: row for row in response.context["table"].data}
    flagged = {code for code, row in rows.items() if row["flags"]}
    assert flagged == {"321081", "321084", "321002"}
    assert response.context["flagged"] == 3

    kinds = {code: {f["kind"] for f in rows[code]["flags"]} for code in flagged}
    assert {"quarter_end_share", "quarter_end_spike"} <= kinds["321081"]
    assert {"benford", "last_digit"} <= kinds["321084"]
    # 广陵's amounts are the honest ones: only its three outrunning projects flag it.
    assert kinds["321002"] == {"projects"}
    assert rows["321002"]["flagged_projects"] == 3
    for code in test_city["honest"]:
        assert rows[code]["flags"] == [], rows[code]["flags"]
        assert rows[code]["digits"]["benford"]["deviates"] is False

    # The outrunning projects, each worked by hand: reported = half the total (the total
    # is twice the year's sum), works done 0% → a gap of 50 points above the 25 allowed.
    projects = {p["project"]: p for p in response.context["projects"]}
    for project in test_city["outrunning"][:3]:
        flags = projects[project.pk]["flags"]
        assert [f["kind"] for f in flags] == ["outruns_progress"]
        assert "占总投资的50.0%" in flags[0]["reason"]
        assert "工程完成比例为0.0%" in flags[0]["reason"]
    assert {p["unit"] for p in projects.values()} == {"321002"}
    content = response.content.decode()
    assert "工程完成比例为0.0%" in content


def test_the_verdicts_do_not_depend_on_the_order_or_the_run(test_city, city):
    first = integrity(city=city, year=YEAR, as_of=AS_OF)
    again = integrity(city=city, year=YEAR, as_of=AS_OF)
    assert first == again
