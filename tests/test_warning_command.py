"""``python manage.py warnings --as-of DATE [--unit CODE] [--city CODE] --json``."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ballast.alerts.models import WarningRule
from tests.test_warning_support import accept

BUILTIN_RULES = [
    "start_overdue",
    "stalled",
    "silent",
    "lagging",
    "completion_overdue",
    "not_in_statistics",
    "report_missing",
    "data_anomaly",
]


def run(*args) -> str:
    out = StringIO()
    call_command("warnings", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def projects(make_project, people, unit_b):
    yizheng = make_project(name="仪征开工逾期", planned_start=date(2023, 3, 31))
    yizheng.leaders.set([people["leader_a"]])
    gaoyou = make_project(
        unit_b,
        name="高邮只开工不施工",
        code="2023-321084-39-03-000001",
        stages={"started": date(2023, 1, 10), "in_statistics": date(2023, 1, 20)},
    )
    for month, amount in ((1, "100"), (2, "0"), (3, "0"), (4, "0")):
        accept(people, gaoyou, date(2023, month, 1), amount)


def test_json_lists_warnings_red_first(projects):
    rows = json.loads(run("--as-of", "2023-04-20", "--json"))
    assert [(r["level"], r["unit"], r["project"], r["rule"]) for r in rows] == [
        ("red", "321084", "高邮只开工不施工", "stalled"),
        ("yellow", "321081", "仪征开工逾期", "start_overdue"),
    ]
    red, yellow = rows
    assert red == {
        "project_code": "2023-321084-39-03-000001",
        "project": "高邮只开工不施工",
        "project_id": red["project_id"],
        "unit": "321084",
        "unit_name": "高邮市",
        "rule": "stalled",
        "rule_label": "只开工不施工",
        "level": "red",
        "since": "2023-02-01",
        "leaders": [],
        "detail": "自2023年2月起连续 3 个已报月份完成投资为 0。",
    }
    assert yellow["project_code"] is None
    assert yellow["since"] == "2023-04-01"
    assert yellow["leaders"] == ["leader_a"]


def test_unit_and_city_scope(projects):
    only_b = json.loads(run("--as-of", "2023-04-20", "--unit", "321084", "--json"))
    assert [r["project"] for r in only_b] == ["高邮只开工不施工"]
    whole_city = json.loads(run("--as-of", "2023-04-20", "--city", "321000", "--json"))
    assert len(whole_city) == 2
    # The city's code given as --unit means the whole city too.
    assert json.loads(run("--as-of", "2023-04-20", "--unit", "321000", "--json")) == whole_city
    assert json.loads(run("--as-of", "2023-04-20", "--unit", "321023", "--json")) == []


def test_rule_filter_and_default_rules_written(projects, city):
    rows = json.loads(run("--as-of", "2023-04-20", "--rule", "start_overdue", "--json"))
    assert [r["rule"] for r in rows] == ["start_overdue"]
    keys = list(WarningRule.objects.filter(city=city).values_list("key", flat=True))
    assert set(BUILTIN_RULES) <= set(keys)


def test_table_in_chinese(projects):
    text = run("--as-of", "2023-04-20", "--unit", "321084")
    assert "截至 2023-04-20 共 1 条预警（红色 1 条，黄色 0 条）" in text
    assert "红\t高邮市\t2023-321084-39-03-000001\t高邮只开工不施工\t只开工不施工" in text
    assert "无预警" in run("--as-of", "2022-01-01")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as-of", "2023-13-01"], "日期“2023-13-01”格式不正确"),
        (["--as-of", "2023-04-20", "--unit", "999999"], "找不到代码为“999999”的板块或市"),
        (["--as-of", "2023-04-20", "--unit", "320000"], "不是考核板块"),
        (["--as-of", "2023-04-20", "--city", "321081"], "不是设区市"),
        (["--as-of", "2023-04-20", "--unit", "321081", "--city", "321000"], "只能指定一个"),
        (["--as-of", "2023-04-20", "--rule", "nonsense"], "未知的预警规则：nonsense"),
    ],
)
def test_bad_input_is_refused_in_chinese(city, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
