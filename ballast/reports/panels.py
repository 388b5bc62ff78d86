"""The reports' panel of the project page: the latest monthly reports and the monthly
chart of accepted investment against the plan (registered in ``ReportsConfig.ready()``)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ballast.reports import selectors
from ballast.reports.models import MonthlyReport
from ballast.web.labels import month_label


def reports_panel(*, user, project, as_of: date, plan) -> dict:
    return {
        "reports": list(
            MonthlyReport.objects.restrict(user).filter(project=project).order_by("-month")[:36]
        ),
        "chart": _chart_data(project, plan, as_of.year, as_of),
    }


def _chart_data(project, plan, year: int, as_of: date) -> dict:
    """Monthly accepted investment against the plan (its own curve, else m/12)."""
    actual = selectors.accepted_by_month(project=project, year=year)
    planned = plan.planned_investment if plan else None
    curve = {m.month: m.planned_investment for m in plan.months.all()} if plan else {}
    cumulative, running, plan_cum, plan_running = [], 0, [], 0
    last = as_of.month if as_of.year == year else (12 if as_of.year > year else 0)
    for month in range(1, 13):
        running += actual.get(month, 0)
        cumulative.append(f"{running:.2f}" if month <= last else None)
        if planned is None:
            plan_cum.append(None)
        elif curve:
            plan_running += curve.get(month, 0)
            plan_cum.append(f"{plan_running:.2f}")
        else:
            plan_cum.append(f"{planned * month / 12:.2f}")
    return {
        "year": year,
        "months": [month_label(m) for m in range(1, 13)],
        "monthly": [f"{actual[m]:.2f}" if m in actual else None for m in range(1, 13)],
        "cumulative": cumulative,
        "plan": plan_cum,
        "texts": {
            "monthly": _("当月完成"),
            "cumulative": _("累计完成"),
            "plan": _("累计计划（序时）"),
            "wan": _("万元"),
        },
    }
