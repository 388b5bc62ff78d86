"""Data-entry rules of monthly reports, decided here and called by every write of
``reports/services.py`` and by the report import's planner, so the web form, the admin,
an import preview and the import itself refuse the same figures with the same words
(docs/figures.md "录入规则").

- A month that has not begun cannot be reported; the current month may be drafted while
  it runs but submitted (or recorded as accepted) only from its last day.
- The month's investment is never negative.
- The since-start sum (accepted reports of the other months plus this one) never exceeds
  the project's total investment: refused, with the way to fix it (change the forecast).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from ballast.core.periods import month_end, month_start
from ballast.core.validators import validate_plausible_date
from ballast.reports.selectors import since_start_others


def _month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def check_month_open(month: date, *, today: date) -> None:
    """A report (even a draft) is only for a month that has begun."""
    try:
        validate_plausible_date(month)
    except ValidationError as exc:
        raise ValidationError({"month": exc.messages}) from exc
    if month_start(month) > month_start(today):
        raise ValidationError(
            {
                "month": f"{_month_label(month)}尚未到来（今天是 {today}），不能填报未来月份。",
            },
            code="report_future_month",
        )


def check_month_submittable(month: date, *, today: date) -> None:
    """A month's report is submitted, approved or accepted only from its last day on."""
    check_month_open(month, today=today)
    last = month_end(month)
    if today < last:
        raise ValidationError(
            {
                "month": f"{_month_label(month)}尚未结束：当月填报可先保存草稿，"
                f"自 {last} 起方可报送。",
            },
            code="report_month_running",
        )


def check_investment(investment) -> None:
    """当月完成投资: a number of 万元, never negative."""
    if investment is not None and Decimal(investment) < 0:
        raise ValidationError(
            {"investment": "完成投资不能为负数。"},
            code="report_negative",
        )


def check_since_start(*, project, month: date, investment, others: Decimal | None = None) -> None:
    """The since-start sum with this month stays within the project's total investment.

    Refused rather than allowed with a reason: the total investment is the project's own
    forecast, so a sum above it means either a wrong amount (a slip of a digit) or a wrong
    forecast. The forecast is corrected on the project (with a reason, the baseline kept,
    so the cost overrun shows it), and the report then fits.

    ``others`` is the accepted sum of the other months when the caller knows it better than
    the database (an import planning several months of one project).
    """
    if investment is None or project.total_investment is None:
        return
    if others is None:
        others = since_start_others(project=project, month=month)
    since_start = others + Decimal(investment)
    if since_start > project.total_investment:
        raise ValidationError(
            {
                "investment": (
                    f"填入 {Decimal(investment):,.2f} 万元后，开工以来累计完成投资为 "
                    f"{since_start:,.2f} 万元，超过项目总投资 {project.total_investment:,.2f} 万元。"
                    "请核对金额单位（万元）；若投资确已超出，请先在项目信息中调整总投资"
                    "（基准总投资保留，计入超支），再报送本月填报。"
                )
            },
            code="report_over_total",
        )


def check_entry(
    *, project, month: date, data: dict, today: date, final: bool, others: Decimal | None = None
) -> None:
    """Every rule above for ``data`` of ``project``'s report of ``month``; ``final`` when
    the report leaves the draft (submitted, accepted or recorded as accepted).

    All errors are raised together, keyed by field.
    """
    errors: dict[str, list[str]] = {}
    checks = [
        lambda: (check_month_submittable if final else check_month_open)(month, today=today),
        lambda: check_investment(data.get("investment")),
    ]
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if "investment" not in errors:
        try:
            check_since_start(
                project=project, month=month, investment=data.get("investment"), others=others
            )
        except ValidationError as exc:
            errors.setdefault("investment", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
