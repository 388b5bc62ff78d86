"""Reading single cells: exact decimals, units, dates in their many written forms."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from ballast.imports.cells import (
    CellProblem,
    clean_name,
    to_date,
    to_month,
    to_percent,
    to_quantity,
)
from ballast.imports.columns import split_unit


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        (1.1, "亿元", Decimal("11000.00")),
        (0.1 + 0.2, "万元", Decimal("0.30")),  # 0.30000000000000004 rounds to the column's scale
        ("１２，３４５．６", "万元", Decimal("12345.60")),
        (" 1,234,567 ", "元", Decimal("123.46")),
        ("2.5亿元", "万元", Decimal("25000.00")),  # a unit written in the cell wins
        (12345678, "元", Decimal("1234.57")),
    ],
)
def test_amounts_become_exact_wan_yuan(raw, unit, expected):
    value = to_quantity(raw, kind="money", unit=unit)
    assert value == expected
    assert value.as_tuple().exponent == -2


def test_text_that_is_not_a_number_is_refused_in_chinese():
    with pytest.raises(CellProblem, match="不是有效的数字"):
        to_quantity("约 3 亿", kind="money")
    with pytest.raises(CellProblem, match="不适用于本列"):
        to_quantity("30亩", kind="money")


@pytest.mark.parametrize(
    "raw",
    [
        "2023-03-08",
        "2023.3.8",
        "2023/3/8",
        "2023年3月8日",
        "２０２３年３月８日",
        " 2023-3-8 ",
        "20230308",
        datetime(2023, 3, 8, 0, 0),
        date(2023, 3, 8),
        44993,  # Excel's serial number of 2023-03-08
        "2023-03-08 00:00:00",
    ],
)
def test_dates_in_every_usual_form(raw):
    assert to_date(raw) == date(2023, 3, 8)


@pytest.mark.parametrize(
    ("raw", "year", "expected"),
    [
        ("2023年3月", None, date(2023, 3, 1)),
        ("2023-03", None, date(2023, 3, 1)),
        (2023.3, None, date(2023, 3, 1)),
        (2023.12, None, date(2023, 12, 1)),
        (date(2023, 3, 18), None, date(2023, 3, 1)),
        ("3月", 2023, date(2023, 3, 1)),
        ("三月", 2023, date(2023, 3, 1)),
        ("2023年十二月", None, date(2023, 12, 1)),
        (202303, None, date(2023, 3, 1)),
    ],
)
def test_months_are_the_first_day(raw, year, expected):
    assert to_month(raw, year=year) == expected


def test_ambiguous_or_impossible_dates_are_refused():
    with pytest.raises(CellProblem, match="无法区分 1 月和 10 月"):
        to_month(2023.1)
    with pytest.raises(CellProblem, match="不是有效的日期"):
        to_date("2023-02-30")
    with pytest.raises(CellProblem, match="没有年份"):
        to_month("3月")


def test_percentages():
    assert to_percent("45%") == Decimal("45.00")
    assert to_percent(0.455, formatted_as_percent=True) == Decimal("45.50")
    assert to_percent(45) == Decimal("45.00")


def test_names_lose_stray_spaces_but_keep_their_characters():
    assert clean_name("  中国移动长三角（扬州） 数据中心\u3000") == "中国移动长三角（扬州）数据中心"
    assert clean_name("ABB  Motor   项目") == "ABB Motor项目"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("总投资（亿元）", ("总投资", "亿元")),
        ("总投资\n(万元)", ("总投资", "万元")),
        ("总投资/元", ("总投资", "元")),
        ("建筑面积（㎡）", ("建筑面积", "m2")),
        ("*项目名称", ("项目名称", "")),
    ],
)
def test_units_declared_in_headers(header, expected):
    assert split_unit(header) == expected


def test_a_bare_year_is_not_read_as_an_excel_serial_day():
    with pytest.raises(CellProblem, match="不是有效的日期"):
        to_date(2023)


def test_absurdly_large_numbers_are_refused_not_crashed_on():
    with pytest.raises(CellProblem, match="过大"):
        to_quantity("1e40", kind="money")
