"""Which monthly reports count is defined once (``reports.models.counted_q`` and
``MonthlyReport.objects.counted``): accepted by the city, months up to the as-of month.
The figures, the warnings and the entry form's sums all count the same reports."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from ballast.figures.selectors import accepted_reports, with_investment_progress
from ballast.projects import services as ps
from ballast.projects.models import Project
from ballast.reports import selectors as report_selectors
from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport

ROOT = Path(__file__).resolve().parent.parent / "ballast"


@pytest.fixture
def reports(make_project, people, d):
    """One project, 2023 (万元): January accepted 100, February submitted 50 (not yet
    accepted), March accepted 30, April a draft of 70."""
    project = make_project(stages={"started": d(2023, 1, 5)})
    admin, clerk = people["city_admin"], people["clerk_a"]
    ps.plan_save(user=admin, project=project, year=2023, planned_investment=Decimal(1200))
    for month, amount in ((1, 100), (3, 30)):
        rs.report_record_accepted(
            user=admin,
            project=project,
            month=d(2023, month, 1),
            data={"investment": Decimal(amount)},
            reason="测试",
        )
    february = rs.report_save(
        user=clerk, project=project, month=d(2023, 2, 1), data={"investment": Decimal(50)}
    )
    rs.report_submit(user=clerk, report=february)
    rs.report_save(
        user=clerk, project=project, month=d(2023, 4, 1), data={"investment": Decimal(70)}
    )
    return project


def test_only_accepted_reports_of_months_up_to_the_date_count(reports, d):
    def months(queryset):
        return sorted(r.month.month for r in queryset)

    assert months(MonthlyReport.objects.counted()) == [1, 3]
    assert months(MonthlyReport.objects.counted(as_of=d(2023, 2, 28))) == [1]
    assert months(accepted_reports(as_of=d(2023, 3, 2))) == [1, 3]


def test_figures_and_entry_sums_agree(reports, d):
    april = MonthlyReport.objects.get(project=reports, month=d(2023, 4, 1))
    # Before April: accepted January 100 + March 30 = 130; February (submitted) does not count.
    sums = report_selectors.report_sums(project=reports, month=april.month)
    assert (sums["year_before"], sums["since_start_before"]) == (Decimal(130), Decimal(130))
    context = report_selectors.with_report_context(MonthlyReport.objects.filter(pk=april.pk)).get()
    assert (context.year_before, context.since_start_before) == (Decimal(130), Decimal(130))
    assert report_selectors.accepted_by_month(project=reports, year=2023) == {
        1: Decimal(100),
        3: Decimal(30),
    }
    row = with_investment_progress(
        Project.objects.filter(pk=reports.pk), year=2023, as_of=d(2023, 4, 30), city=None
    ).get()
    assert row.ytd_investment_wan == Decimal(130)


def test_no_figure_module_spells_the_rule_again():
    """The rule "status accepted" is written in reports/models.py only, among the modules
    that count reports for figures."""
    spelled = re.compile(
        r"status\s*=\s*ReportStatus\.ACCEPTED|reports__status\s*=|status=\"accepted\""
    )
    for path in (
        "figures/selectors.py",
        "alerts/rules.py",
        "reports/selectors.py",
        "bulletins/selectors.py",
        "bulletins/sources.py",
        "figures/integrity.py",
        "imports/bureau.py",
        "dashboards/selectors.py",
    ):
        assert not spelled.search((ROOT / path).read_text(encoding="utf-8")), path


def test_money_is_rounded_one_way():
    """Money (万元) is rounded to two places, half up, by ``figures.selectors.money``
    only: the modules that show or compare figures' money do not round it again."""
    again = re.compile(r"quantize\(Decimal\(\"0\.01\"\)|Decimal\([^)]*\):\.2f")
    for path in (
        "figures/integrity.py",
        "alerts/rules.py",
        "alerts/integrity_services.py",
        "imports/bureau.py",
        "dashboards/tables.py",
        "bulletins/sources.py",
    ):
        assert not again.search((ROOT / path).read_text(encoding="utf-8")), path
