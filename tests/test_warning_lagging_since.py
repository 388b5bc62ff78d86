"""低于序时进度: the *since* date (the first day of the earliest month from whose end on the
project has lagged without a break), and the fixed number of queries that find it."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballast.alerts.rules import evaluate_data_anomaly, evaluate_lagging
from ballast.alerts.selectors import rules_for_city
from ballast.projects.models import AnnualPlan, PlanMonth, Project
from tests.test_warning_support import accept, fired

# 20 June: May's reports were due on 5 June, June's are not due yet — m = 5 (41.7%),
# while June's accepted report already counts in the completion rate.
AS_OF = date(2023, 6, 20)
MONTH_END = date(2023, 6, 30)  # June's last day: m = 6


def planned(make_project, people, name, *, started, months, plan="1200", curve=None):
    project = make_project(name=name, stages={"started": started})
    annual = AnnualPlan.objects.create(project=project, year=2023, planned_investment=Decimal(plan))
    for month, amount in (curve or {}).items():
        PlanMonth.objects.create(plan=annual, month=month, planned_investment=Decimal(amount))
    for month, amount in months.items():
        accept(people, project, date(2023, month, 1), amount)
    return project


def test_since_follows_the_plans_own_curve(make_project, people):
    # Curve 100,100,100,200,200,100 (cumulative 10%, 20%, 30%, 50%, 70%, 80% of 1,000);
    # 100 a month done (10% … 60%). On 20 June the curve counts to May (m = 5): 70 − 60 =
    # 10 points, yellow; on 30 June to June: 80 − 60 = 20 points, red. Month-ends:
    # January to March 0 points; April 50 − 40 = 10 (lagging); May 70 − 50 = 20. Since
    # April. With m/12 it would never lag (June 50% against 60% done).
    planned(
        make_project,
        people,
        "按月计划",
        started=date(2023, 1, 10),
        plan="1000",
        curve={1: "100", 2: "100", 3: "100", 4: "200", 5: "200", 6: "100", 7: "200"},
        months={m: "100" for m in range(1, 7)},
    )
    assert fired(AS_OF, "lagging") == {"按月计划": ("yellow", date(2023, 4, 1))}
    assert fired(MONTH_END, "lagging") == {"按月计划": ("red", date(2023, 4, 1))}


def test_since_not_before_the_start_and_a_break_ends_the_run(make_project, people):
    # Started 15 April, 10 in May and June: at the end of March it had not started; end of
    # April 33.3 − 0 points, end of May 41.7 − 0.8: since April.
    planned(make_project, people, "四月开工", started=date(2023, 4, 15), months={5: "10", 6: "10"})
    # 300 in February (25%), nothing after: end of February 16.7 − 25 < 0, March 25 − 25,
    # April 33.3 − 25 = 8.3 (not lagging: the run breaks), May 41.7 − 25 = 16.7: since May.
    planned(make_project, people, "二月之后停滞", started=date(2023, 1, 10), months={2: "300"})
    # No report at all: January 8.3 points (not yet), February 16.7: since February.
    planned(make_project, people, "从未填报", started=date(2023, 1, 10), months={})
    # On 20 June 序时进度 is 5/12 = 41.7%: 四月开工 41.7 − 1.7 = 40 points (red),
    # 二月之后停滞 41.7 − 25 = 16.7 (yellow), 从未填报 41.7 (red). The month-ends are as before.
    assert fired(AS_OF, "lagging") == {
        "四月开工": ("red", date(2023, 4, 1)),
        "二月之后停滞": ("yellow", date(2023, 5, 1)),
        "从未填报": ("red", date(2023, 2, 1)),
    }
    # On 30 June (m = 6, 50%): 二月之后停滞 50 − 25 = 25 points, red.
    assert fired(MONTH_END, "lagging")["二月之后停滞"] == ("red", date(2023, 5, 1))


def test_lagging_and_data_anomaly_ask_a_fixed_number_of_queries(make_project, people, city):
    for n in range(4):
        planned(
            make_project,
            people,
            f"落后{n}",
            started=date(2023, 1, 10),
            months={m: "10" for m in range(1, 7)},
            curve={6: "1200"} if n % 2 else None,
        )
    projects = Project.objects.all()
    rules = {rule.key: rule for rule in rules_for_city(city)}
    with CaptureQueriesContext(connection) as lagging:
        hits = list(evaluate_lagging(projects=projects, as_of=MONTH_END, rule=rules["lagging"]))
    assert len(hits) == 4
    # The city's reporting deadline (序时进度's months), the current figures, then 序时进度
    # and the completion rate at every earlier month-end.
    assert len(lagging) == 4
    with CaptureQueriesContext(connection) as anomaly:
        list(evaluate_data_anomaly(projects=projects, as_of=AS_OF, rule=rules["data_anomaly"]))
    # Candidates (no report finding here, so no window pass), negative plans and totals,
    # stage dates.
    assert len(anomaly) == 3
