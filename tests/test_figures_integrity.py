"""Integrity analytics (数据质量与防虚报, issue 12 item 3) on a hand-built city.

Three units of 扬州, ten projects each, a whole year 2023 of accepted monthly reports:

* 仪征 (unit A) reports 70% of its year in the quarter-end months;
* 高邮 (unit B) makes its amounts up: round numbers 400–750 ending in 0 or 5;
* 开发区 (321071) is honest: amounts spread log-uniformly over 10–10,000 万元 (the law
  Benford's law describes), even over the months.
"""

import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ballast.figures.integrity import (
    digit_tests,
    draw_checks,
    first_digit,
    integrity,
    thresholds,
)
from ballast.figures.selectors import city_units
from ballast.regions.models import Region
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from tests.api_helpers import token_client

YEAR = 2023
AS_OF = date(2023, 12, 31)


def honest_amounts(n=120):
    """10^(1 + 3i/n): log-uniform over 10–10,000, whose first digits follow Benford."""
    return [Decimal(10 ** (1 + 3 * i / n)).quantize(Decimal("0.01")) for i in range(n)]


def bulk_accept(projects, amount_of):
    """Accepted reports, bypassing the services: the analytics only read the table.
    ``amount_of(project_index, month)`` gives each amount."""
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=project,
            month=date(YEAR, month, 1),
            investment=amount_of(i, month),
            status=ReportStatus.ACCEPTED,
        )
        for i, project in enumerate(projects)
        for month in range(1, 13)
    )


@pytest.fixture
def park(city):
    return Region.objects.get(code="321071")


@pytest.fixture
def built(make_project, unit_a, unit_b, park, d):
    started = {"started": d(2022, 6, 1)}
    inflated = [make_project(unit_a, stages=started) for _ in range(10)]
    made_up = [make_project(unit_b, stages=started) for _ in range(10)]
    honest = [make_project(park, stages=started) for _ in range(10)]

    # 仪征: 700 in each quarter-end month, 100 in each other month: 2,800 of 4,000 = 70%.
    bulk_accept(inflated, lambda i, m: Decimal(700 if m % 3 == 0 else 100) + i)
    # 高邮: 400, 450, … 750 in turn: first digits 4–7 only, last digits 0 only.
    bulk_accept(made_up, lambda i, m: Decimal(400 + 50 * ((i + m) % 8)))
    # 开发区: the 120 log-uniform amounts shuffled over projects and months by a fixed
    # permutation (step 7 is prime to 120), so no month carries the large ones.
    amounts = honest_amounts()
    bulk_accept(honest, lambda i, m: amounts[(7 * (i * 12 + m - 1)) % 120])
    return {"inflated": inflated, "made_up": made_up, "honest": honest}


def by_unit(result):
    return {row["unit"]: row for row in result["units"]}


def kinds(row):
    return {flag["kind"] for flag in row["flags"]}


def test_first_digit_reads_any_magnitude():
    assert [first_digit(Decimal(x)) for x in ("0.045", "7", "12.50", "9999.99", "100")] == [
        4,
        7,
        1,
        9,
        1,
    ]


def test_quarter_end_inflation_and_made_up_digits_are_flagged_the_honest_unit_is_not(city, built):
    rows = by_unit(integrity(city=city, year=YEAR, as_of=AS_OF))

    inflated = rows["321081"]
    # Quarter ends: 10 projects × (700 + i) × 4 months = 28,000 + 4 × 45 = 28,180;
    # the year: 28,180 + 10 projects × (100 + i) × 8 months = 28,180 + 8,360 = 36,540.
    assert inflated["quarter_end"]["quarter_ends"] == Decimal("28180.00")
    assert inflated["quarter_end"]["total"] == Decimal("36540.00")
    assert inflated["quarter_end"]["share"] == Decimal("0.7712")  # 28,180 / 36,540
    # Each other month: 1,045 (10 × 100 + 45); each quarter end 7,045: 6.74 times.
    assert inflated["quarter_end"]["other_months_mean"] == Decimal("1045.00")
    assert [s["ratio"] for s in inflated["quarter_end"]["spikes"]] == [Decimal("6.7416")] * 4
    # Its amounts, 100–109 and 700–709, have first digits 1 and 7 only: Benford fails
    # too; their last digits run 0–9 evenly, so the last-digit test passes.
    assert kinds(inflated) == {"quarter_end_share", "quarter_end_spike", "benford"}
    assert inflated["digits"]["last_digit"]["deviates"] is False
    share_flag = next(f for f in inflated["flags"] if f["kind"] == "quarter_end_share")
    assert "77.1%" in share_flag["reason"] and "高于阈值50.0%" in share_flag["reason"]

    made_up = rows["321084"]
    assert made_up["quarter_end"]["flags"] == []
    digits = made_up["digits"]
    assert digits["benford"]["n"] == 120
    assert digits["benford"]["counts"][1] == 0  # Benford expects 30.1% ones
    assert digits["benford"]["deviates"] is True
    assert digits["last_digit"]["counts"][0] == 120
    assert digits["last_digit"]["zero_or_five_share"] == Decimal("1.0000")
    # Last digits all 0: chi-square = (120 − 12)²/12 + 9 × 12²/12 = 972 + 108 = 1,080.
    assert digits["last_digit"]["chi2"] == Decimal("1080.0000")
    assert {"benford", "last_digit"} <= kinds(made_up)

    honest = rows["321071"]
    assert honest["flags"] == [], honest["flags"]
    assert honest["digits"]["benford"]["n"] == 120
    assert honest["digits"]["benford"]["deviates"] is False
    assert honest["digits"]["last_digit"]["deviates"] is False
    assert honest["quarter_end"]["share"] < Decimal("0.50")


def test_no_digit_verdict_below_the_minimum_sample():
    amounts = [Decimal(400 + 50 * (i % 8)) for i in range(99)]
    result = digit_tests(amounts, rules=thresholds())
    assert result["benford"]["n"] == 99
    assert result["benford"]["deviates"] is None and result["benford"]["chi2"] is None
    assert result["last_digit"]["deviates"] is None
    assert result["flags"] == []
    # One more amount: a verdict.
    result = digit_tests([*amounts, Decimal(400)], rules=thresholds())
    assert result["benford"]["n"] == 100 and result["benford"]["deviates"] is True


def test_thresholds_are_settings(settings):
    settings.BALLAST_INTEGRITY = {"benford_min_sample": 20}
    assert thresholds()["benford_min_sample"] == 20
    assert thresholds()["spike_ratio"] == Decimal("2.5")
    settings.BALLAST_INTEGRITY = {"no_such": 1}
    with pytest.raises(ValueError):
        thresholds()


def test_amendment_and_return_rates(city, unit_a, make_project, d):
    project = make_project(unit_a, stages={"started": d(2022, 6, 1)})
    now = timezone.now()
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=project,
            month=date(YEAR, m, 1),
            investment=Decimal(100),
            status=ReportStatus.ACCEPTED,
            amendment_count=1 if m <= 3 else 0,
            returned_at=now if m in (4, 5, 6, 7) else None,
        )
        for m in range(1, 13)
    )
    # A draft never sent does not count.
    MonthlyReport.objects.filter(month=date(YEAR, 12, 1)).update(status=ReportStatus.DRAFT)
    row = by_unit(integrity(city=city, year=YEAR, as_of=timezone.localdate()))["321081"]
    reports = row["reports"]
    assert (reports["reports"], reports["amended"], reports["returned"]) == (11, 3, 4)
    assert reports["amendment_rate"] == Decimal("0.2727")  # 3 / 11
    assert reports["return_rate"] == Decimal("0.3636")  # 4 / 11
    assert {f["kind"] for f in reports["flags"]} == {"amendment_rate", "return_rate"}
    # As of the end of 2023 the returns (dated today) had not happened yet.
    row = by_unit(integrity(city=city, year=YEAR, as_of=AS_OF))["321081"]
    assert row["reports"]["returned"] == 0
    assert {f["kind"] for f in row["reports"]["flags"]} == {"amendment_rate"}


def test_projects_over_total_or_reported_without_start(city, unit_a, make_project, d):
    listed = {"started": d(2023, 1, 5), "in_statistics": d(2023, 1, 6)}
    over = make_project(unit_a, total_investment=Decimal(1000), stages=listed)
    unstarted = make_project(unit_a, total_investment=Decimal(1000))
    small = make_project(unit_a, total_investment=Decimal(1000))  # 100 = 10%: allowed
    late = make_project(
        unit_a,
        total_investment=Decimal(1000),
        stages={"started": d(2024, 2, 1), "in_statistics": d(2024, 2, 2)},
    )
    for project, amount in ((over, 600), (unstarted, 150), (small, 50), (late, 300)):
        MonthlyReport.objects.bulk_create(
            MonthlyReport(
                project=project,
                month=date(YEAR, m, 1),
                investment=Decimal(amount),
                status=ReportStatus.ACCEPTED,
            )
            for m in (5, 6)
        )
    # Not accepted: does not count.
    MonthlyReport.objects.create(
        project=small, month=date(YEAR, 7, 1), investment=Decimal(900), status="submitted"
    )
    flagged = {p["project"]: p for p in integrity(city=city, year=YEAR, as_of=AS_OF)["projects"]}
    assert set(flagged) == {over.pk, unstarted.pk, late.pk}
    assert flagged[over.pk]["since_start"] == Decimal("1200.00")
    assert [f["kind"] for f in flagged[over.pk]["flags"]] == ["over_total"]
    assert "1200.00万元，超过项目总投资1000.00万元" in flagged[over.pk]["flags"][0]["reason"]
    assert [f["kind"] for f in flagged[unstarted.pk]["flags"]] == ["unstarted"]
    # Started in 2024: as of 2023-12-31 it had not.
    assert [f["kind"] for f in flagged[late.pk]["flags"]] == ["unstarted"]
    assert flagged[late.pk]["started"] is False
    as_2024 = integrity(city=city, year=2024, as_of=date(2024, 3, 31))["projects"]
    assert late.pk not in {p["project"] for p in as_2024}


def test_command_prints_the_json(city, built, capsys):
    call_command("integrity", "--city", "321000", "--year", "2023", "--as-of", "2023-12-31")
    data = json.loads(capsys.readouterr().out)
    assert (data["city"], data["year"], data["as_of"]) == ("321000", 2023, "2023-12-31")
    units = {row["unit"]: row for row in data["units"]}
    assert units["321081"]["quarter_end"]["share"] == "0.7712"
    assert units["321071"]["flags"] == []
    with pytest.raises(CommandError, match="不是设区市"):
        call_command("integrity", "--city", "320000")


def test_api_city_people_read_every_unit_unit_people_their_own(city, built, people):
    url = "/api/v1/figures/integrity/"
    answer = token_client(people["city_reviewer"]).get(
        url, {"region": "321000", "as_of": "2023-12-31"}
    )
    assert answer.status_code == 200
    units = {row["unit"]: row for row in answer.json()["units"]}
    assert "quarter_end_share" in {f["kind"] for f in units["321081"]["flags"]}
    assert len(units) == len(city_units(city))
    clerk = token_client(people["clerk_a"])
    own = clerk.get(url, {"region": "321081", "as_of": "2023-12-31"})
    assert [row["unit"] for row in own.json()["units"]] == ["321081"]
    assert clerk.get(url, {"region": "321000"}).status_code == 404
    assert clerk.get(url, {"region": "321084"}).status_code == 404


def test_page_city_people_see_every_unit_unit_people_their_own(client, city, built, people):
    client.force_login(people["city_reviewer"])
    page = client.get("/integrity/", {"year": 2023, "as_of": "2023-12-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "仪征市" in html and "高邮市" in html and "扬州经济技术开发区" in html
    assert "77.1%" in html and "高于阈值50.0%" in html
    assert "末位为0或5的占100.0%" in html
    client.force_login(people["clerk_a"])
    html = client.get("/integrity/", {"year": 2023, "as_of": "2023-12-31"}).content.decode()
    assert "仪征市" in html and "高邮市" not in html and "77.1%" in html
    client.force_login(people["enterprise"])
    assert client.get("/integrity/").status_code == 403


def test_export_writes_the_unit_rows(client, city, built, people):
    client.force_login(people["city_reviewer"])
    answer = client.get("/integrity/", {"year": 2023, "as_of": "2023-12-31", "export": "csv"})
    assert answer.status_code == 200
    text = b"".join(answer.streaming_content if answer.streaming else [answer.content])
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("板块,季末月占比")
    assert "77.1%" in next(line for line in lines if line.startswith("仪征市"))
    assert any(line.startswith("扬州经济技术开发区") and line.endswith(",无") for line in lines)


def test_check_draw_is_reproducible_and_weighted_by_risk(city, built, unit_a, park):
    def draw(seed, n=5):
        return draw_checks(city=city, month=date(2023, 6, 1), n=n, seed=seed, as_of=AS_OF)

    first = draw("2023-06")
    assert first == draw("2023-06")  # same seed, same list
    assert len(first) == 5 and len({p["project"] for p in first}) == 5
    assert len(draw("all", n=100)) == 30  # every candidate, each once
    weights = {p["unit"]: p["weight"] for p in draw("all", n=100)}
    # 仪征: 6 flags (share, 4 spikes, Benford) → 1 + 6 = 7; 开发区: none → 1.
    assert weights == {"321081": 7, "321084": 3, "321071": 1}
    # Over 200 seeds of one project each: 仪征's ten weigh 70 of 110 (≈ 64%),
    # 开发区's ten 10 of 110 (≈ 9%).
    units = Counter(draw(f"s{i}", n=1)[0]["unit"] for i in range(200))
    assert units["321081"] > 100 and units["321071"] < 40
