"""Assessment schemes are data: imported from and exported to YAML, validated in Chinese,
the shipped defaults add up to 100, and only city administrators change them."""

from decimal import Decimal as D
from io import StringIO

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from ballast.assessments.models import Indicator, Scheme
from ballast.assessments.services import (
    ensure_default_schemes,
    scheme_data_from_yaml,
    scheme_export,
    scheme_import,
)

EXAMPLE = """
slug: q-test
name: 测试季度比
period: quarter
description: 测试用
indicators:
  - {key: new.started.count, label: 新开工项目数, weight: 40, method: target_share, cap: "1.2"}
  - {key: signed_cohort.landed_rate, label: 落地率, weight: 30, method: rank, step: 5}
  - key: investment.completion_rate
    label: 投资完成率
    weight: 20
    method: bands
    bands: [["0.3", 20], ["0.25", 15], ["0", 5]]
  - {key: tour.score, label: 观摩评分, weight: 10, method: manual, max: 100}
"""


def test_import_creates_scheme_with_ordered_indicators(city):
    scheme = scheme_import(user=None, city=city, data=yaml.safe_load(EXAMPLE))
    assert (scheme.slug, scheme.name, scheme.period_kind) == ("q-test", "测试季度比", "quarter")
    indicators = list(scheme.indicators.all())
    assert [(i.order, i.key, i.method) for i in indicators] == [
        (1, "new.started.count", "target_share"),
        (2, "signed_cohort.landed_rate", "rank"),
        (3, "investment.completion_rate", "bands"),
        (4, "tour.score", "manual"),
    ]
    assert indicators[0].params == {"cap": "1.2"}
    assert indicators[1].params == {"step": 5}
    assert indicators[2].params == {"bands": [["0.3", 20], ["0.25", 15], ["0", 5]]}
    assert scheme.total_weight == D(100)


def test_export_then_import_gives_the_same_scheme(city):
    scheme = scheme_import(user=None, city=city, data=yaml.safe_load(EXAMPLE))
    exported = yaml.safe_load(scheme_export(scheme))
    assert exported["indicators"][0] == {
        "key": "new.started.count",
        "label": "新开工项目数",
        "weight": 40,
        "method": "target_share",
        "cap": "1.2",
    }
    exported["name"] = "改名后的季度比"
    exported["indicators"] = exported["indicators"][:2]
    again = scheme_import(user=None, city=city, data=exported)
    assert again.pk == scheme.pk
    assert again.name == "改名后的季度比"
    # re-import replaces the indicators whole
    assert list(again.indicators.values_list("key", flat=True)) == [
        "new.started.count",
        "signed_cohort.landed_rate",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period": "weekly"}, "考核周期“weekly”无效"),
        ({"indicators": [{"key": "x", "label": "x", "weight": 1, "method": "vote"}]}, "计分方法"),
        (
            {
                "indicators": [
                    {"key": "new.started.count", "label": "开工", "weight": 1, "method": "rank"}
                ]
            },
            "step",
        ),
        (
            {
                "indicators": [
                    {
                        "key": "new.started.count",
                        "label": "开工",
                        "weight": 5,
                        "method": "bands",
                        "bands": [[1, 8]],
                    }
                ]
            },
            "超过指标权重",
        ),
        (
            {
                "indicators": [
                    {"key": "no.such.figure", "label": "无", "weight": 5, "method": "target_share"}
                ]
            },
            "数据键“no.such.figure”不存在",
        ),
    ],
)
def test_bad_schemes_are_refused_in_chinese(change, message):
    data = yaml.safe_load(EXAMPLE)
    data.update(change)
    with pytest.raises(ValidationError) as exc:
        scheme_data_from_yaml(yaml.safe_dump(data, allow_unicode=True))
    assert message in "；".join(exc.value.messages)


def test_default_schemes_ship_quarterly_half_year_and_annual_of_100_points(city):
    schemes = ensure_default_schemes(city)
    assert [(s.slug, s.period_kind) for s in schemes] == [
        ("quarterly", "quarter"),
        ("half-year", "half"),
        ("annual", "year"),
    ]
    assert all(s.total_weight == D(100) for s in schemes)
    assert Indicator.objects.filter(scheme__city=city, method="manual").count() == 3
    # calling again changes nothing the city has set
    Scheme.objects.filter(slug="quarterly").update(name="本市季度比")
    ensure_default_schemes(city)
    assert Scheme.objects.get(slug="quarterly").name == "本市季度比"
    assert Scheme.objects.filter(city=city).count() == 3


def test_only_city_administrators_change_schemes(city, people):
    data = yaml.safe_load(EXAMPLE)
    for role in ("clerk_a", "city_reviewer", "leader_a"):
        with pytest.raises(PermissionDenied):
            scheme_import(user=people[role], city=city, data=data)
    scheme = scheme_import(user=people["city_admin"], city=city, data=data)
    assert scheme.history.first().history_user == people["city_admin"]
    # everyone in the city may read them
    assert Scheme.objects.restrict(people["clerk_b"]).count() == 1


def test_scheme_command_imports_exports_and_lists(city, tmp_path):
    source = tmp_path / "q.yaml"
    source.write_text(EXAMPLE, encoding="utf-8")
    out = StringIO()
    call_command("scheme", "import", str(source), "--city", "321000", stdout=out)
    assert "已导入考核方案“测试季度比”（q-test）：4 项指标，总分 100.00。" in out.getvalue()
    target = tmp_path / "out.yaml"
    call_command("scheme", "export", "q-test", "--out", str(target), stdout=StringIO())
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["slug"] == "q-test"
    out = StringIO()
    call_command("scheme", "list", stdout=out)
    assert out.getvalue().startswith("q-test\t测试季度比\t季度\t4 项指标")
    assert Scheme.history.filter(history_source="import").count() == 1


def test_scheme_command_errors_are_chinese(city, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: x\nname: y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="方案文件缺少：period、indicators"):
        call_command("scheme", "import", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="找不到考核方案“nope”"):
        call_command("scheme", "export", "nope", stdout=StringIO())
