"""Importing leads from Excel (issue 15, item 7): messy cells are read as the ledger
reads them (1.2亿元, 2026年1月5日, spaces), one bad row writes nothing, and the rows of a
unit the person may not write to are refused."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from ballast.attraction.models import Lead
from ballast.imports.leads import import_leads
from tests.attraction_city import channels

HEADER = [
    "板块",
    "意向项目",
    "投资方",
    "意向投资额（万元）",
    "其中外资（万美元）",
    "产业集群",
    "招商渠道",
    "来源团队",
    "获得信息日期",
    "预计签约月份",
]


def _book(*rows):
    book = openpyxl.Workbook()
    book.active.append(["2026年招商线索台账"])
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


GOOD = [
    [
        "仪征市",
        "年产 5GW 储能电池项目",
        " 江苏某储能科技有限公司 ",
        "1.2亿元",
        None,
        "新能源",
        "基金招商",
        "专班",
        "2026年1月5日",
        "2026-09",
    ],
    [
        "仪征",
        "高端装备产业园",
        "上海某装备集团",
        "85,000",
        "5000",
        None,
        "产业链招商",
        None,
        date(2026, 2, 1),
        None,
    ],
]


def test_messy_rows_are_read(people, city, cluster):
    channels(city)
    created = import_leads(user=people["clerk_a"], city=city, upload=_book(*GOOD))
    assert [(x.project_name, x.investor, x.amount, x.amount_usd) for x in created] == [
        ("年产5GW储能电池项目", "江苏某储能科技有限公司", Decimal("12000.00"), None),
        ("高端装备产业园", "上海某装备集团", Decimal("85000.00"), Decimal("5000.00")),
    ]
    first = created[0]
    assert first.info_on == date(2026, 1, 5) and first.expected_signing_month == date(2026, 9, 1)
    assert first.cluster == cluster and first.source_team == "taskforce"
    assert first.history.get().history_source == "import"


def test_one_bad_row_writes_nothing(people, city, cluster):
    channels(city)
    bad = ["仪征市", "某项目", "某公司", "很多", None, None, "乡贤招商", None, "2026-13-40", None]
    with pytest.raises(ValidationError) as caught:
        import_leads(user=people["clerk_a"], city=city, upload=_book(*GOOD, bad))
    text = "\n".join(caught.value.messages)
    assert "第 5 行：“意向投资额（万元）”" in text
    assert "第 5 行：招商渠道“乡贤招商”不在本市设定的渠道中。" in text
    assert not Lead.objects.exists()


def test_another_units_rows_are_refused(people, city, cluster):
    channels(city)
    other = [
        "高邮市",
        "某项目",
        "某公司",
        "20000",
        None,
        None,
        "基金招商",
        None,
        "2026-03-01",
        None,
    ]
    with pytest.raises(ValidationError) as caught:
        import_leads(user=people["clerk_a"], city=city, upload=_book(GOOD[0], other))
    assert [m for m in caught.value.messages if m.startswith("第 4 行：您不能为")]
    assert not Lead.objects.exists()
    # the same file twice: the second time every row is already there
    import_leads(user=people["clerk_a"], city=city, upload=_book(*GOOD))
    with pytest.raises(ValidationError) as caught:
        import_leads(user=people["clerk_a"], city=city, upload=_book(*GOOD))
    assert len(caught.value.messages) == 2 and Lead.objects.count() == 2
