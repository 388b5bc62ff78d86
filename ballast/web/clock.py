"""The edge where pages learn what day it is; logic below takes dates as arguments."""

from datetime import date

from ballast.core import clock
from ballast.core.periods import add_months, month_start


def request_today() -> date:
    """Today in the installation's time zone (only pages call this, never selectors)."""
    return clock.today()


def parse_date(text: str | None, default: date) -> date:
    """A ``YYYY-MM-DD`` query parameter, or ``default`` when absent or malformed."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return default


def parse_month(text: str | None, default: date) -> date:
    """A ``YYYY-MM`` query parameter as the month's first day, or ``default``."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return month_start(default)


def reporting_month(today: date) -> date:
    """The month clerks are reporting now: the previous calendar month."""
    return add_months(month_start(today), -1)
