"""Bitemporal figures (按知悉时点取数): a past figure is given again as it was known.

A test city's Q2 2023 is published on 2023-07-05; in August a total investment, an
annual plan and a Q2 report are amended. Known at 2023-07-05 (or at the publication
time) the Q2 figures are those read at publication and the bulletin composed again is
identical, byte for byte; known now they differ exactly by the amendments."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.selectors import bulletin_content, content_hash
from ballast.bulletins.services import bulletin_publish
from ballast.core.known import parse_known_at
from ballast.figures.selectors import (
    city_and_units_figures,
    flatten,
    to_json,
    unit_figures,
    with_investment_progress,
)
from ballast.projects import services as ps
from ballast.projects.models import Project
from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport

Q2_END = date(2023, 6, 30)


class KnowledgeClock:
    """The moment every write is recorded at (``timezone.now``): set it, and each read
    moves it on by a microsecond so records keep their order."""

    def __init__(self):
        self.moment = timezone.now()
        self._ticks = itertools.count()

    def set(self, *args) -> datetime:
        self.moment = timezone.make_aware(datetime(*args))
        return self.moment

    def now(self) -> datetime:
        return self.moment + timedelta(microseconds=next(self._ticks))


@pytest.fixture
def knowledge_clock(monkeypatch):
    clock = KnowledgeClock()
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


@pytest.fixture
def q2_city(knowledge_clock, city, unit_a, unit_b, people, make_project, d):
    """Q2 2023 (万元), recorded on 2023-07-01 and published on 2023-07-05 10:00:

    unit A: PA1 200,000 signed 04-10, started 05-20, plan 60,000 (curve: 10,000 a month
    from April), accepted 8,000 (Apr) + 10,000 (May) + 12,000 (Jun); PA2 50,000 signed
    03-01, plan 20,000 to complete in November. unit B: PB1 80,000 started 06-01, plan
    30,000, accepted 3,000 (May) + 5,000 (Jun); target of unit B for 2023: 2 started.

    In August: PA1's total investment becomes 260,000, PB1's plan 40,000, PA1's May
    report 14,000 (an amendment)."""
    admin = people["city_admin"]
    knowledge_clock.set(2023, 7, 1, 9, 0)
    pa1 = make_project(
        name="光储产业园",
        total_investment=Decimal(200000),
        stages={"signed": d(2023, 4, 10), "started": d(2023, 5, 20)},
    )
    pa2 = make_project(
        name="生物医药园", total_investment=Decimal(50000), stages={"signed": d(2023, 3, 1)}
    )
    pb1 = make_project(
        unit_b,
        name="汽车零部件",
        total_investment=Decimal(80000),
        stages={"started": d(2023, 6, 1)},
    )
    ps.plan_save(
        user=admin,
        project=pa1,
        year=2023,
        planned_investment=Decimal(60000),
        months={m: Decimal(10000) for m in range(4, 10)},
    )
    ps.plan_save(
        user=admin, project=pa2, year=2023, planned_investment=Decimal(20000), completion_month=11
    )
    ps.plan_save(user=admin, project=pb1, year=2023, planned_investment=Decimal(30000))
    for project, month, amount in (
        (pa1, 4, 8000),
        (pa1, 5, 10000),
        (pa1, 6, 12000),
        (pb1, 5, 3000),
        (pb1, 6, 5000),
    ):
        rs.report_record_accepted(
            user=admin,
            project=project,
            month=date(2023, month, 1),
            data={"investment": Decimal(amount)},
            reason="验收",
        )
    ps.target_set(user=admin, unit=unit_b, period="2023", indicator="started_count", value=2)

    knowledge_clock.set(2023, 7, 5, 10, 0)
    at_publication = city_and_units_figures(city=city, year=2023, as_of=Q2_END)
    bulletin = bulletin_publish(user=admin, city=city, period="2023Q2")

    knowledge_clock.set(2023, 8, 10, 15, 0)
    ps.project_update(
        user=admin,
        project=pa1,
        data={"total_investment": Decimal(260000)},
        reason="可研批复调整总投资",
    )
    ps.plan_save(user=admin, project=pb1, year=2023, planned_investment=Decimal(40000))
    rs.report_amend(
        user=admin,
        report=MonthlyReport.objects.get(project=pa1, month=date(2023, 5, 1)),
        data={"investment": Decimal(14000)},
        reason="统计口径调整",
    )
    knowledge_clock.set(2023, 10, 15, 9, 0)
    return {
        "PA1": pa1,
        "PA2": pa2,
        "PB1": pb1,
        "bulletin": bulletin,
        "at_publication": at_publication,
    }


def changed(before: dict, after: dict) -> dict:
    old, new = flatten(before), flatten(after)
    return {k: (old[k], new[k]) for k in old if old[k] != new[k]}


def test_q2_figures_known_at_publication_are_those_read_then(q2_city, city):
    bulletin = q2_city["bulletin"]
    published = q2_city["at_publication"]
    for known_at in (parse_known_at("2023-07-05"), bulletin.published_at):
        assert (
            city_and_units_figures(city=city, year=2023, as_of=Q2_END, known_at=known_at)
            == published
        )
    # Known before anything was recorded: nothing.
    empty = unit_figures(unit=city, year=2023, as_of=Q2_END, known_at=parse_known_at("2023-06-30"))
    assert empty["new"]["signed"]["count"] == 0
    assert empty["investment"]["annual_plan_wan"] == 0


def test_q2_figures_known_now_differ_exactly_by_the_amendments(q2_city, city, unit_a, unit_b):
    published_city, published_units = q2_city["at_publication"]
    now_city, now_units = city_and_units_figures(city=city, year=2023, as_of=Q2_END)
    # Unit B: only its plan (30,000 → 40,000) moved.
    assert changed(published_units[unit_b.code], now_units[unit_b.code]) == {
        "investment.annual_plan_wan": (Decimal("30000.00"), Decimal("40000.00")),
        "investment.completion_rate": (Decimal("0.2667"), Decimal("0.2000")),
        "investment.time_progress_gap": (Decimal("-0.2333"), Decimal("-0.3000")),
        "year_on_year.avg_annual_plan_wan": (Decimal("30000.00"), Decimal("40000.00")),
    }
    # Unit A: PA1's total investment (+60,000, signed and started in Q2) and its May
    # report (+4,000).
    assert changed(published_units[unit_a.code], now_units[unit_a.code]) == {
        "signed_cohort.investment_wan": (Decimal("250000.00"), Decimal("310000.00")),
        "new.signed.investment_wan": (Decimal("250000.00"), Decimal("310000.00")),
        "new.started.investment_wan": (Decimal("200000.00"), Decimal("260000.00")),
        "investment.completed_wan": (Decimal("30000.00"), Decimal("34000.00")),
        "investment.completion_rate": (Decimal("0.3750"), Decimal("0.4250")),
        "investment.time_progress_gap": (Decimal("-0.1250"), Decimal("-0.0750")),
        "quarter.new.signed.investment_wan": (Decimal("200000.00"), Decimal("260000.00")),
        "quarter.new.started.investment_wan": (Decimal("200000.00"), Decimal("260000.00")),
        "quarter.investment.completed_wan": (Decimal("30000.00"), Decimal("34000.00")),
        "size_classes.10yi.investment_wan": (Decimal("200000.00"), Decimal("260000.00")),
    }
    diff = changed(published_city, now_city)
    assert diff["new.signed.investment_wan"] == (Decimal("250000.00"), Decimal("310000.00"))
    assert diff["investment.annual_plan_wan"] == (Decimal("110000.00"), Decimal("120000.00"))
    assert diff["investment.completed_wan"] == (Decimal("38000.00"), Decimal("42000.00"))


def test_known_now_equals_the_current_path(q2_city, city, unit_a):
    now = timezone.now()
    for as_of in (Q2_END, date(2023, 5, 10), date(2024, 6, 30)):
        assert city_and_units_figures(
            city=city, year=as_of.year, as_of=as_of, known_at=now
        ) == city_and_units_figures(city=city, year=as_of.year, as_of=as_of)
    projects = Project.objects.order_by("pk")
    fields = ("pk", "annual_plan_wan", "ytd_investment_wan", "since_start_investment_wan")
    fields += ("time_progress", "completion_rate")
    current = with_investment_progress(projects, year=2023, as_of=Q2_END, city=city)
    known = with_investment_progress(projects, year=2023, as_of=Q2_END, city=city, known_at=now)
    assert list(known.values_list(*fields)) == list(current.values_list(*fields))


def test_bulletin_composed_as_known_at_publication_is_identical(q2_city, city):
    bulletin = q2_city["bulletin"]
    again = bulletin_content(
        city=city, period=bulletin.period, as_of=bulletin.as_of, known_at=bulletin.published_at
    )
    again["number"] = bulletin.number
    assert content_hash(again) == bulletin.figures_hash
    assert render_docx(again) == bytes(bulletin.docx)
    # Composed as known now, the amendments show.
    fresh = bulletin_content(city=city, period=bulletin.period, as_of=bulletin.as_of)
    fresh["number"] = bulletin.number
    assert content_hash(fresh) != bulletin.figures_hash
    assert fresh["totals"]["now"]["investment.annual_plan_wan"] == "120000.00"
    assert bulletin.content["totals"]["now"]["investment.annual_plan_wan"] == "110000.00"


def test_figures_command_takes_known_at(q2_city, city, capsys):
    call_command(
        "figures",
        "--unit",
        city.code,
        "--as-of",
        "2023-06-30",
        "--known-at",
        "2023-07-05",
        "--json",
    )
    import json

    then = json.loads(capsys.readouterr().out)
    assert then == to_json(q2_city["at_publication"][0])
    assert then["investment"]["completed_wan"] == "38000.00"
    call_command("figures", "--unit", city.code, "--as-of", "2023-06-30", "--json")
    assert json.loads(capsys.readouterr().out)["investment"]["completed_wan"] == "42000.00"


@pytest.mark.parametrize("text", ["2023-13-01", "yesterday", "0001-01-01", "2023-07-05T25:00"])
def test_a_bad_knowledge_date_is_refused_in_chinese(text):
    with pytest.raises(ValueError, match="知悉时点"):
        parse_known_at(text)


def test_restatement_names_each_amendment_behind_each_figure(q2_city, city, unit_a, unit_b):
    from ballast.bulletins.restatement import restatement

    admin_name = str(q2_city["bulletin"].published_by)
    restated = restatement(q2_city["bulletin"])
    assert [(c.model, c.record, c.fields, str(c.user), c.reason) for c in restated["changes"]] == [
        (
            "项目",
            "光储产业园",
            [("总投资（万元）", Decimal("200000.00"), Decimal("260000.00"))],
            admin_name,
            "可研批复调整总投资",
        ),
        (
            "年度计划",
            str(q2_city["PB1"].plans.get()),
            [("年度计划投资（万元）", Decimal("30000.00"), Decimal("40000.00"))],
            admin_name,
            "",
        ),
        (
            "月度填报",
            "光储产业园 2023年05月",
            [("当月完成投资（万元）", Decimal("10000.00"), Decimal("14000.00"))],
            admin_name,
            "更正：统计口径调整",
        ),
    ]
    rows = {(r.region, r.key): r for r in restated["figures"]}
    # Every figure that differs is listed, and only those.
    then_city, then_units = q2_city["at_publication"]
    now_city, now_units = city_and_units_figures(city=city, year=2023, as_of=Q2_END)
    expected = {(city.code, k) for k in changed(then_city, now_city)}
    for code in now_units:
        expected |= {(code, k) for k in changed(then_units[code], now_units[code])}
    assert set(rows) == expected
    # Each names the records it reads, in its own region.
    plan = rows[(unit_b.code, "investment.annual_plan_wan")]
    assert (plan.then_text, plan.now_text) == ("30,000.00", "40,000.00")
    assert [c.model for c in plan.changes] == ["年度计划"]
    assert [c.model for c in rows[(unit_a.code, "investment.completed_wan")].changes] == [
        "月度填报"
    ]
    assert [c.model for c in rows[(unit_a.code, "new.signed.investment_wan")].changes] == ["项目"]
    assert {c.model for c in rows[(city.code, "investment.completion_rate")].changes} == {
        "项目",
        "年度计划",
        "月度填报",
    }


def test_restatement_page_per_role(client, q2_city, people):
    bulletin = q2_city["bulletin"]
    client.force_login(people["city_leader"])
    detail = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert f"/bulletins/{bulletin.pk}/restatement/" in detail
    page = client.get(f"/bulletins/{bulletin.pk}/restatement/")
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("可研批复调整总投资", "更正：统计口径调整", "200000.00 → 260000.00", "30,000.00"):
        assert words in text
    client.force_login(people["enterprise"])
    assert client.get(f"/bulletins/{bulletin.pk}/restatement/").status_code in (403, 404)


def test_a_unit_clerk_sees_every_figure_moved_but_only_its_own_records(client, q2_city, people):
    """The city bulletin is read by every unit; the records behind another unit's figures
    (PB1's plan in unit B) are counted for clerk A, not named."""
    from ballast.bulletins.restatement import restatement

    bulletin = q2_city["bulletin"]
    everything = restatement(bulletin)
    mine = restatement(bulletin, user=people["clerk_a"])
    assert [c.model for c in everything["changes"]] == ["项目", "年度计划", "月度填报"]
    assert [c.model for c in mine["changes"]] == ["项目", "月度填报"]  # unit A's PA1
    assert mine["hidden"] == 1
    assert [(r.region, r.key) for r in mine["figures"]] == [
        (r.region, r.key) for r in everything["figures"]
    ]
    plan_b = next(r for r in mine["figures"] if r.key == "investment.annual_plan_wan" and r.hidden)
    assert plan_b.changes == [] and plan_b.hidden == 1
    client.force_login(people["clerk_a"])
    text = client.get(f"/bulletins/{bulletin.pk}/restatement/").content.decode()
    assert "可研批复调整总投资" in text  # their own project's change
    assert str(q2_city["PB1"].plans.get()) not in text  # unit B's plan: not named
    assert "另有 1 项变更涉及您无权查看的记录" in text


def test_api_answers_as_known_at(q2_city, city, unit_a, people):
    from tests.api_helpers import token_client

    api = token_client(people["city_reviewer"])
    params = {"unit": city.code, "as_of": "2023-06-30"}
    then = api.get("/api/v1/figures/", {**params, "known_at": "2023-07-05"})
    assert then.status_code == 200
    assert then.json() == to_json(q2_city["at_publication"][0])
    assert api.get("/api/v1/figures/", params).json()["investment"]["completed_wan"] == "42000.00"
    compare = api.get(
        "/api/v1/figures/compare/",
        {"region": city.code, "as_of": "2023-06-30", "known_at": "2023-07-05T10:30:00+08:00"},
    ).json()
    assert compare["parts"][unit_a.code] == to_json(q2_city["at_publication"][1][unit_a.code])
    bad = api.get("/api/v1/figures/", {**params, "known_at": "2023-07-32"})
    assert bad.status_code == 400 and "known_at" in bad.json()["errors"]
    assert "知悉时点" in bad.json()["errors"]["known_at"][0]


def test_report_missing_as_known_at_counts_only_reports_filed_by_then(
    knowledge_clock, city, people, make_project, d
):
    """A July report filed late (on 20 August) was missing as known on 10 August."""
    from ballast.alerts.selectors import warnings_as_of

    admin = people["city_admin"]
    knowledge_clock.set(2023, 7, 1, 9, 0)
    project = make_project(name="迟报项目", stages={"started": d(2023, 3, 1)})
    knowledge_clock.set(2023, 8, 20, 9, 0)
    rs.report_record_accepted(
        user=admin,
        project=project,
        month=date(2023, 7, 1),
        data={"investment": Decimal(100)},
        reason="补报",
    )
    day = date(2023, 8, 10)

    def missing(known_at=None):
        found = warnings_as_of(
            projects=Project.objects.all(), as_of=day, rules=["report_missing"], known_at=known_at
        )
        return [w.project_id for w in found]

    assert missing() == []
    assert missing(parse_known_at("2023-08-10")) == [project.pk]
