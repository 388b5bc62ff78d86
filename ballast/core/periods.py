"""Periods of the working rhythm: months, two-month spans, quarters, halves, years.

Notation: ``2023`` (year), ``2023H1`` (half), ``2023Q1`` (quarter), ``2023B1`` (两月,
January–February), ``2023-03`` (month). Periods are calendar periods.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_RE = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[QHB])(?P<n>\d)|-(?P<month>\d{1,2}))?$")

_KIND_MONTHS = {"Y": 12, "H": 6, "Q": 3, "B": 2, "M": 1}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: ``kind`` is Y, H, Q, B (two months) or M, ``n`` its number in the year."""

    year: int
    kind: str
    n: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _RE.match((text or "").strip().upper())
        if not match:
            raise ValueError(
                f"无法识别的期间“{text}”，应为 2023、2023H1、2023Q1、2023B1 或 2023-03。"
            )
        year = int(match["year"])
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise ValueError(f"月份 {month} 不在 1–12 之间。")
            return cls(year, "M", month)
        if match["kind"]:
            kind, n = match["kind"], int(match["n"])
            if not 1 <= n <= 12 // _KIND_MONTHS[kind]:
                raise ValueError(f"期间“{text}”的序号超出范围。")
            return cls(year, kind, n)
        return cls(year, "Y", 1)

    @property
    def months(self) -> int:
        return _KIND_MONTHS[self.kind]

    @property
    def first_month(self) -> int:
        return (self.n - 1) * self.months + 1

    @property
    def last_month(self) -> int:
        return self.first_month + self.months - 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def previous(self) -> Period:
        if self.n > 1:
            return Period(self.year, self.kind, self.n - 1)
        return Period(self.year - 1, self.kind, 12 // self.months)

    def same_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.n)

    def __str__(self) -> str:
        if self.kind == "Y":
            return f"{self.year}"
        if self.kind == "M":
            return f"{self.year}-{self.n:02d}"
        return f"{self.year}{self.kind}{self.n}"

    @property
    def label(self) -> str:
        """The Chinese name, e.g. 2023年一季度."""
        digits = "一二三四五六"
        if self.kind == "Y":
            return f"{self.year}年"
        if self.kind == "H":
            return f"{self.year}年{'上' if self.n == 1 else '下'}半年"
        if self.kind == "Q":
            return f"{self.year}年{digits[self.n - 1]}季度"
        if self.kind == "B":
            return f"{self.year}年{self.first_month}—{self.last_month}月"
        return f"{self.year}年{self.n}月"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month
