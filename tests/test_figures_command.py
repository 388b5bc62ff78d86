"""The ``figures`` command: one JSON object in the issue's shape, a Chinese table, and
clear Chinese errors."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ballast.projects import services as ps
from ballast.regions.models import Region
from ballast.reports import services as rs


@pytest.fixture
def unit_a_2023(make_project, people, d):
    """P1 100,000 signed 01-05, landed 02-01, started 03-10, plan 800, March 100 accepted.
    P2 50,000 started 2022, plan 1,200, accepted Jan 120, Feb 105.25, April 300 (later).
    P3 23,400 signed 03-31."""
    admin = people["city_admin"]

    def accept(project, month, amount):
        rs.report_record_accepted(
            user=admin,
            project=project,
            month=month,
            data={"investment": Decimal(amount)},
            reason="导入",
        )

    p1 = make_project(
        total_investment=Decimal(100000),
        stages={"signed": d(2023, 1, 5), "landed": d(2023, 2, 1), "started": d(2023, 3, 10)},
    )
    p2 = make_project(total_investment=Decimal(50000), stages={"started": d(2022, 6, 1)})
    make_project(total_investment=Decimal(23400), stages={"signed": d(2023, 3, 31)})
    ps.plan_save(user=admin, project=p1, year=2023, planned_investment=Decimal(800))
    ps.plan_save(user=admin, project=p2, year=2023, planned_investment=Decimal(1200))
    accept(p1, d(2023, 3, 1), "100")
    accept(p2, d(2023, 1, 1), "120")
    accept(p2, d(2023, 2, 1), "105.25")
    accept(p2, d(2023, 4, 1), "300")


def run(*args):
    out = StringIO()
    call_command("figures", *args, stdout=out)
    return out.getvalue()


def test_json_output_has_the_issue_shape(unit_a_2023):
    data = json.loads(run("--unit", "321081", "--year", "2023", "--as-of", "2023-03-31", "--json"))
    assert {k: data[k] for k in ("unit", "year", "as_of", "signed_cohort", "new")} == {
        "unit": "321081",
        "year": 2023,
        "as_of": "2023-03-31",
        "signed_cohort": {
            "count": 2,
            "investment_wan": "123400.00",
            "landed": 1,
            "started": 1,
            "in_statistics": 0,
            "landed_rate": 0.5,
            "started_rate": 0.5,
            "in_statistics_rate": 0.0,
        },
        "new": {
            "signed": {"count": 2, "investment_wan": "123400.00"},
            "started": {"count": 1, "investment_wan": "100000.00"},
            "completed": {"count": 0, "investment_wan": "0.00"},
            "in_production": {"count": 0, "investment_wan": "0.00"},
        },
    }
    assert data["investment"] == {
        "plan_count": 2,
        "annual_plan_wan": "2000.00",
        "completed_wan": "325.25",  # 100 + 120 + 105.25; April is after the as-of date
        "completion_rate": 0.1626,  # 325.25 / 2000 = 0.162625
        "time_progress": 0.25,
        "time_progress_gap": -0.0874,
    }
    assert data["capacity"] == {"eligible": 0, "at_capacity": 0, "rate": None}
    assert data["quarter"]["period"] == "2023Q1"
    assert data["targets"]["signed_count"] is None
    assert data["year_on_year"]["as_of_previous"] == "2022-03-31"


def test_city_code_gives_the_whole_city_and_all_units(unit_a_2023):
    data = json.loads(run("--unit", "321000", "--year", "2023", "--as-of", "2023-03-31", "--json"))
    assert data["unit"] == "321000"
    assert data["signed_cohort"]["count"] == 2
    every = json.loads(
        run("--unit", "321000", "--year", "2023", "--as-of", "2023-03-31", "--json", "--all-units")
    )
    assert every["321081"]["investment"]["completed_wan"] == "325.25"
    assert every["321084"]["signed_cohort"]["count"] == 0


def test_table_is_in_chinese(unit_a_2023):
    text = run("--unit", "321081", "--year", "2023", "--as-of", "2023-03-31")
    assert "仪征" in text and "2023年 截至 2023-03-31" in text
    assert "当年签约项目落地率" in text and "50.00%" in text
    assert "序时进度" in text and "25.00%" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "999999", "--as-of", "2023-03-31"), "找不到代码为“999999”的板块、市或省"),
        (("--unit", "321081", "--as-of", "2023-13-01"), "日期“2023-13-01”格式不正确"),
        (("--unit", "PARK01", "--as-of", "2023-03-31"), "不是考核板块"),
        (("--unit", "321081", "--as-of", "2023-03-31", "--all-units"), "须与市代码同用"),
    ],
)
def test_bad_input_is_a_chinese_error(city, args, message):
    # A park inside a unit that is no assessment unit of its own (a province's code is
    # the whole province: tests/test_api_figures_at_any_depth.py).
    Region.objects.create(
        code="PARK01",
        name="某园区",
        kind="park",
        parent=Region.objects.get(code="321081"),
        is_assessment_unit=False,
    )
    with pytest.raises(CommandError, match=message):
        run(*args)
