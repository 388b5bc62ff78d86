"""How numbers and periods are written in a bulletin (通报的数字与期间写法)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ballast.core.money import wan_to_yi
from ballast.core.periods import Period

CN_DIGITS = "〇一二三四五六七八九"


def yi_text(wan) -> str:
    """万元 → 亿元 as the seeds write it: at most two decimals, no trailing zeros
    (1722 亿元, 20 亿元, 12.5 亿元, 3.07 亿元)."""
    value = wan_to_yi(wan)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def yi_cell(wan) -> str:
    """万元 → 亿元 with two decimals, for table cells (aligned)."""
    return f"{wan_to_yi(wan):.2f}"


def percent(value: Decimal | None, places: str = "0.1") -> str | None:
    """A ratio (0.646) as a percentage string without the sign ("64.6")."""
    if value is None:
        return None
    return str((Decimal(value) * 100).quantize(Decimal(places), ROUND_HALF_UP))


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole, None when there is no base."""
    part, whole = Decimal(part or 0), Decimal(whole or 0)
    if whole == 0:
        return None
    return part / whole


def change_clause(now, before, *, unit: str = "") -> str:
    """同比增长 12.5% / 同比下降 3.0% / 同比持平; "" without a base last year."""
    rate = ratio(Decimal(now or 0) - Decimal(before or 0), before)
    if rate is None:
        return ""
    if rate > 0:
        return f"同比增长{percent(rate)}%"
    if rate < 0:
        return f"同比下降{percent(-rate)}%"
    return "同比持平"


def count_change_clause(now: int, before: int) -> str:
    if now > before:
        return f"同比增加{now - before}个"
    if now < before:
        return f"同比减少{before - now}个"
    return "与上年同期持平"


def points_clause(rate: Decimal | None, progress: Decimal) -> str:
    """快于/慢于/与序时进度持平, in percentage points."""
    if rate is None:
        return ""
    gap = (Decimal(rate) - Decimal(progress)) * 100
    gap = gap.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if gap > 0:
        return f"快于序时进度{gap}个百分点"
    if gap < 0:
        return f"慢于序时进度{-gap}个百分点"
    return "与序时进度持平"


def span_label(period: Period) -> str:
    """What the year-to-date figures of ``period`` are called in the text: 一季度, 上半年,
    前三季度, 全年 (the figures run from 1 January to the period's end)."""
    if period.kind == "Y" or period.last_month == 12:
        return "全年"
    if period.last_month == 6:
        return "上半年"
    if period.kind == "Q" and period.n == 1:
        return "一季度"
    if period.kind == "Q" and period.n == 3:
        return "前三季度"
    return f"1—{period.last_month}月"


def next_period(period: Period) -> Period:
    """The period whose tasks a bulletin lists: the next quarter (the first quarter of the
    next year after an annual or second-half bulletin; the third after a first half)."""
    if period.kind == "Q":
        return (
            Period(period.year, "Q", period.n + 1)
            if period.n < 4
            else Period(period.year + 1, "Q", 1)
        )
    if period.kind == "H":
        return Period(period.year, "Q", 3) if period.n == 1 else Period(period.year + 1, "Q", 1)
    return Period(period.year + 1, "Q", 1)


def rank_change_text(change) -> str:
    """进位/退位: ↑2, ↓1, — (no change or no previous rank)."""
    if change is None or change == 0:
        return "—"
    return f"↑{change}" if change > 0 else f"↓{-change}"


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
