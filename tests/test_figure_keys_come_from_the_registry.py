"""The registry is the only place a figure is defined: every figure key that appears in the
figures JSON, the API's figures endpoints, the bulletins and the docs is declared in
``figures.registry`` — and the JSON carries every declared key, so nothing is declared
that the engine does not compute."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from ballast.bulletins import sources
from ballast.bulletins.selectors import bulletin_content
from ballast.figures.registry import FIGURES
from ballast.figures.selectors import FIGURE_KEYS, flatten, to_json, unit_figures
from ballast.projects import services as ps
from ballast.reports import services as rs
from tests.api_helpers import token_client

DOCS = Path(__file__).resolve().parent.parent / "docs"
TOP_LEVELS = {key.split(".")[0] for key in FIGURES if "." in key}


@pytest.fixture
def a_year(make_project, people, unit_b, d):
    """Two units with signed, started and planned projects and accepted reports (2023)."""
    admin = people["city_admin"]
    signed = make_project(
        total_investment=Decimal(120000),
        stages={"signed": d(2023, 1, 5), "landed": d(2023, 2, 1), "started": d(2023, 3, 10)},
    )
    older = make_project(unit_b, total_investment=Decimal(50000), stages={"started": d(2022, 6, 1)})
    for project, plan, amount in ((signed, 800, "100"), (older, 1200, "120")):
        ps.plan_save(user=admin, project=project, year=2023, planned_investment=Decimal(plan))
        rs.report_record_accepted(
            user=admin, project=project, month=d(2023, 2, 1), data={"investment": Decimal(amount)},
            reason="导入",
        )  # fmt: skip


def test_the_figures_json_has_exactly_the_registered_keys(a_year, city, unit_a, d):
    for region in (city, unit_a):
        figures = unit_figures(unit=region, year=2023, as_of=d(2023, 3, 31))
        assert set(flatten(to_json(figures))) == set(FIGURES), region.code
    assert list(FIGURE_KEYS) == list(FIGURES)


def test_the_api_answers_registered_keys_only(a_year, people):
    api = token_client(people["city_reviewer"])
    one = api.get("/api/v1/figures/", {"unit": "321000", "year": 2023, "as_of": "2023-03-31"})
    assert one.status_code == 200
    assert set(flatten(one.json())) == set(FIGURES)
    both = api.get("/api/v1/figures/compare/", {"as_of": "2023-03-31"}).json()
    assert set(flatten(both["region"])) == set(FIGURES)
    assert both["parts"]
    for part in both["parts"].values():
        assert set(flatten(part)) == set(FIGURES)


def test_the_bulletins_read_registered_keys_only(a_year, city, d):
    assert set(sources.BULLETIN_FIGURES) <= set(FIGURES)
    content = bulletin_content(city=city, period="2023Q1", as_of=d(2023, 3, 31))
    for totals in content["totals"].values():
        assert set(totals) == set(sources.BULLETIN_FIGURES)
    # The targets a bulletin compares with are the registry's target indicators.
    for indicator in sources.TARGET_INDICATORS:
        assert f"targets.{indicator}" in FIGURES


def _looks_like_a_figure_key(span: str) -> bool:
    span = span.strip("\"'")
    return "." in span and span.split(".")[0] in TOP_LEVELS and " " not in span


def test_every_figure_key_in_the_docs_is_registered():
    found = set()
    for path in sorted(DOCS.glob("*.md")):
        for span in re.findall(r"`([^`\n]+)`", path.read_text(encoding="utf-8")):
            if not _looks_like_a_figure_key(span):
                continue
            key = span.strip("\"'")
            found.add(key)
            if key.endswith(".*"):  # a family: new.started.*
                prefix = key[:-1]
                assert any(k.startswith(prefix) for k in FIGURES), (path.name, key)
            else:
                assert key in FIGURES, (path.name, key)
    assert "signed_cohort.landed_rate" in found  # the scan reads the docs at all


def test_a_figure_made_of_registered_figures_is_its_declaration(
    a_year, city, unit_a, d, monkeypatch
):
    """Adding a ratio of two registered figures is one declaration: the engine computes
    it for a unit, the city (from the city's sums) and the JSON, and the reference lists it."""
    from ballast.figures import registry

    key = "signed_cohort.average_investment_wan"
    monkeypatch.setitem(
        registry.FIGURES,
        key,
        registry.Figure(
            key,
            "当年签约项目平均总投资（万元）",
            "Average total investment of projects signed this year (10k yuan)",
            registry.MONEY,
            "当年签约项目总投资 / 当年签约项目数；S 为空时为 null。",
            "当年签约项目（签约项目集 S）",
            aggregation=registry.Aggregation(
                registry.RATIO, ("signed_cohort.investment_wan", "signed_cohort.count")
            ),
        ),
    )
    for region, expected in ((unit_a, "120000.00"), (city, "120000.00")):
        figures = unit_figures(unit=region, year=2023, as_of=d(2023, 3, 31))
        assert figures["signed_cohort"]["average_investment_wan"] == Decimal(expected)
        assert to_json(figures)["signed_cohort"]["average_investment_wan"] == expected
    empty = unit_figures(unit=unit_a, year=2022, as_of=d(2022, 12, 31))
    assert empty["signed_cohort"]["average_investment_wan"] is None
    assert f"| `{key}` | 当年签约项目平均总投资（万元） |" in registry.reference_markdown()
