"""Normalising raw spreadsheet cells into the values of the domain.

Every function takes what openpyxl or the csv module gave (``None``, ``str``, ``int``,
``float``, ``datetime`` …) and returns a clean value or raises :class:`CellProblem` with a
message in Chinese. Numbers become exact ``Decimal`` (floats go through ``repr`` so that
1.1 stays 1.1), texts of codes, numbers and dates are NFKC-normalised (full-width digits
and punctuation become ASCII), names keep their characters but lose stray spaces.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TWO_PLACES = Decimal("0.01")
BLANK_MARKS = {"", "-", "--", "—", "——", "/", "／", "－", "—/—"}
EXCEL_EPOCH = datetime(1899, 12, 30)

# Units a header or a "单位：…" row may declare, as factors to the stored unit.
MONEY_UNITS = {
    "万元": Decimal(1),
    "亿元": Decimal(10000),
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "百万元": Decimal(100),
    "万": Decimal(1),
    "亿": Decimal(10000),
}
USD_UNITS = {
    "万美元": Decimal(1),
    "亿美元": Decimal(10000),
    "美元": Decimal("0.0001"),
    "千美元": Decimal("0.1"),
    "百万美元": Decimal(100),
}
LAND_UNITS = {"亩": Decimal(1), "公顷": Decimal(15)}
AREA_UNITS = {
    "平方米": Decimal(1),
    "m2": Decimal(1),
    "㎡": Decimal(1),
    "平米": Decimal(1),
    "万平方米": Decimal(10000),
    "万m2": Decimal(10000),
}
PERCENT_UNITS = {"%": Decimal(1)}
UNIT_TABLES = {
    "money": MONEY_UNITS,
    "usd": USD_UNITS,
    "land": LAND_UNITS,
    "area": AREA_UNITS,
    "degree": {},
}


class CellProblem(ValueError):
    """A cell that cannot be read; ``str(exc)`` is the reason in Chinese."""


def nfkc(value) -> str:
    return unicodedata.normalize("NFKC", str(value))


def clean_text(value) -> str:
    """A text cell: stray spaces removed at both ends and collapsed inside each line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    if isinstance(value, datetime):
        value = value.date()
    text = str(value).replace("\u3000", " ").replace("\xa0", " ").replace("\r\n", "\n")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef（）【】]"


def clean_name(value) -> str:
    """A name: like :func:`clean_text` on one line, and no spaces next to Chinese characters."""
    text = clean_text(value).replace("\n", " ")
    text = re.sub(rf"(?<={_CJK}) +| +(?={_CJK})", "", text)
    return text


def name_key(value) -> str:
    """What two names must share to be the same: NFKC, no whitespace, case-folded."""
    return re.sub(r"\s+", "", nfkc(value or "")).casefold()


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return nfkc(value).strip().replace(" ", "") in BLANK_MARKS
    return False


_SPACES = re.compile(r"\s+")


def compact(value) -> str:
    """NFKC text without any whitespace: for codes, numbers, dates and choices."""
    return _SPACES.sub("", nfkc(value))


def to_decimal(value) -> tuple[Decimal, str]:
    """A number and the unit written inside the cell, if any ("1.2亿元" → 1.2, "亿元")."""
    if isinstance(value, bool):
        raise CellProblem("应为数字。")
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: 1.1 → "1.1".
        return Decimal(repr(value)), ""
    if isinstance(value, Decimal):
        return value, ""
    if isinstance(value, (date, datetime)):
        raise CellProblem("应为数字，而不是日期。")
    text = compact(value).replace("¥", "").replace("￥", "")
    unit = ""
    match = re.match(
        r"^(.*?)(亿美元|万美元|百万美元|千美元|美元|百万元|亿元|万元|千元|元|亿|万|%|亩|公顷|万平方米|平方米|平米|m2)$",
        text,
    )
    if match and match.group(1):
        text, unit = match.group(1), match.group(2)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        raise CellProblem(f"“{clean_text(value)}”不是有效的数字。")
    try:
        return Decimal(text), unit
    except InvalidOperation as exc:  # pragma: no cover - the pattern above guards it
        raise CellProblem(f"“{clean_text(value)}”不是有效的数字。") from exc


def to_quantity(value, *, kind: str, unit: str = "", places: Decimal = TWO_PLACES) -> Decimal:
    """A quantity converted to the stored unit (万元, 万美元, 亩, ㎡) and rounded half up."""
    number, cell_unit = to_decimal(value)
    table = UNIT_TABLES[kind]
    if cell_unit:
        if cell_unit not in table:
            raise CellProblem(f"单位“{cell_unit}”不适用于本列。")
        unit = cell_unit
    factor = table.get(unit, Decimal(1)) if unit else Decimal(1)
    try:
        return (number * factor).quantize(places, ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise CellProblem(f"数值“{clean_text(value)}”过大。") from exc


def to_percent(value, *, formatted_as_percent: bool = False) -> Decimal:
    """A percentage 0–100: "45%", 45, or 0.45 in a cell formatted as a percentage."""
    number, unit = to_decimal(value)
    if formatted_as_percent and not isinstance(value, str):
        number = number * 100
    try:
        result = number.quantize(TWO_PLACES, ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise CellProblem(f"数值“{clean_text(value)}”过大。") from exc
    if unit not in ("", "%"):
        raise CellProblem(f"“{clean_text(value)}”不是百分比。")
    if not Decimal(0) <= result <= Decimal(100):
        raise CellProblem(f"完成比例 {result}% 应在 0–100 之间。")
    return result


def to_integer(value) -> int:
    number, _unit = to_decimal(value)
    if number != number.to_integral_value():
        raise CellProblem(f"“{clean_text(value)}”应为整数。")
    return int(number)


DATE_HINT = "请写成 2023-03-08、2023.3.8、2023/3/8 或 2023年3月8日"


def _make_date(year: int, month: int, day: int, raw) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellProblem(f"“{clean_text(raw)}”不是有效的日期。") from exc


def _month_from_year_fraction(value: float, raw) -> date:
    """2023.3 typed as a number means March 2023; 2023.1 could be January or October."""
    text = repr(value)
    year, fraction = text.split(".")
    if fraction == "1":
        raise CellProblem(f"数字 {text} 无法区分 1 月和 10 月，请写成文本 2023-01 或 2023-10。")
    return _make_date(int(year), int(fraction), 1, raw)


def to_date(value, *, allow_month: bool = True) -> date:
    """A date from an Excel date, an Excel serial number or text in the usual forms.

    A month without a day (2023年3月, 2023-03) is the first day of that month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellProblem(f"无法识别的日期，{DATE_HINT}。")
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():
            n = int(number)
            if 19000101 <= n <= 21001231:
                return _make_date(n // 10000, n // 100 % 100, n % 100, value)
            if allow_month and 190001 <= n <= 210012:
                return _make_date(n // 100, n % 100, 1, value)
            if 32874 <= n <= 73415:  # an Excel serial day number (1990–2100)
                return (EXCEL_EPOCH + timedelta(days=n)).date()
        elif allow_month and 1900 < number < 2101:
            return _month_from_year_fraction(float(number), value)
        raise CellProblem(f"“{clean_text(value)}”不是有效的日期，{DATE_HINT}。")
    text = compact(value)
    text = re.sub(r"[T]?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)  # a time after the date
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})[日号]?", text)
    if match is None:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]), value)
    if allow_month:
        match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})月?(份)?", text) or re.fullmatch(
            r"(\d{4})(\d{2})", text
        )
        if match:
            return _make_date(int(match[1]), int(match[2]), 1, value)
    raise CellProblem(f"“{clean_text(value)}”不是有效的日期，{DATE_HINT}。")


_CHINESE_MONTHS = {
    "十二": "12", "十一": "11", "十": "10", "九": "9", "八": "8", "七": "7",
    "六": "6", "五": "5", "四": "4", "三": "3", "二": "2", "一": "1",
}  # fmt: skip


def arabic_months(text: str) -> str:
    """ "三月" → "3月", "2023年十二月" → "2023年12月"."""
    return re.sub(
        r"(十二|十一|十|九|八|七|六|五|四|三|二|一)(?=月)", lambda m: _CHINESE_MONTHS[m[1]], text
    )


def to_month(value, *, year: int | None = None) -> date:
    """The first day of a month: 2023-03, 2023年3月, 2023.3, an Excel date, or "3月" with
    ``year`` known from elsewhere (the title or a 年度 column)."""
    if not isinstance(value, (date, datetime, int, float, Decimal)):
        text = arabic_months(compact(value))
        match = re.fullmatch(r"(\d{1,2})月(份)?", text)
        if match:
            if year is None:
                raise CellProblem(
                    f"“{text}”没有年份，请写成 2023年3月 或在标题、年度列中写明年份。"
                )
            return _make_date(year, int(match[1]), 1, value)
        try:
            return to_date(text, allow_month=True).replace(day=1)
        except CellProblem as exc:
            raise CellProblem(
                f"“{clean_text(value)}”不是有效的月份，请写成 2023-03 或 2023年3月。"
            ) from exc
    return to_date(value, allow_month=True).replace(day=1)


def to_year(value) -> int:
    if isinstance(value, (date, datetime)):
        return value.year
    text = compact(value) if isinstance(value, str) else value
    if isinstance(text, str):
        text = text.removesuffix("年度").removesuffix("年")
    year = to_integer(text)
    if not 2000 <= year <= 2100:
        raise CellProblem(f"年度 {year} 不合理。")
    return year
