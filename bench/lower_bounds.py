"""Hand-written plain SQL aggregates: the lower bound of each measured figure.

Each bound computes the same core numbers as the selector it is compared with — new
events, the signed cohort and its stages, plans and their curves, accepted investment,
projects producing for a year — and the same numbers of the previous year (year on
year) — with the simplest joins and one aggregate each, and nothing else (no quarter, no
targets, no size classes). The attraction bound (``attraction_bound``) is the same kind
of plain SQL over the leads. ``scope`` narrows to a city
(``u.parent_id = %s``) or a unit (``p.unit_id = %s``); ``group`` adds ``p.unit_id`` to
every GROUP BY (all units at once).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection

from ballast.core.periods import add_months, month_start
from ballast.projects.choices import STAGE_ORDER

P = "projects_project"
E = "projects_stageevent"
A = "projects_annualplan"
M = "projects_planmonth"
R = "reports_monthlyreport"
U = "regions_region"

SEQ = "CASE e.stage " + " ".join(f"WHEN '{s}' THEN {n}" for s, n in STAGE_ORDER.items()) + " END"


def _queries(scope: str, group: bool, year: int, as_of: date, scope_id: int):
    g_sel = "p.unit_id, " if group else ""
    g_by = " GROUP BY p.unit_id" if group else ""
    g_outer = " GROUP BY t.unit_id" if group else ""
    t_sel = "t.unit_id, " if group else ""
    jan1 = date(year, 1, 1)
    m = as_of.month if as_of.year == year else (12 if as_of.year > year else 0)
    from_units = f"JOIN {U} u ON u.id = p.unit_id WHERE {scope}"
    for first, last in ((jan1, as_of), (date(year - 1, 1, 1), add_months(as_of, -12))):
        yield (
            f"SELECT {g_sel}e.stage, COUNT(*), SUM(p.total_investment) FROM {E} e "
            f"JOIN {P} p ON p.id = e.project_id {from_units} "
            "AND e.stage IN ('signed', 'started', 'completed', 'in_production') "
            f"AND e.date >= %s AND e.date <= %s GROUP BY {g_sel}e.stage",
            [scope_id, first, last],
        )
    yield (
        f"SELECT {t_sel}COUNT(*), SUM(t.total), SUM(CASE WHEN t.top >= 4 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN t.top >= 5 THEN 1 ELSE 0 END), SUM(CASE WHEN t.top >= 6 THEN 1 ELSE 0 END) "
        f"FROM (SELECT {g_sel}s.project_id, MAX(p.total_investment) AS total, MAX({SEQ}) AS top "
        f"FROM {E} s JOIN {P} p ON p.id = s.project_id "
        f"JOIN {E} e ON e.project_id = s.project_id AND e.date <= %s {from_units} "
        "AND s.stage = 'signed' AND s.date >= %s AND s.date <= %s "
        f"GROUP BY {g_sel}s.project_id) t{g_outer}",
        [as_of, scope_id, jan1, as_of],
    )
    yield (
        f"SELECT {g_sel}COUNT(*), SUM(a.planned_investment), "
        "SUM(CASE WHEN a.completion_month IS NOT NULL THEN 1 ELSE 0 END) "
        f"FROM {A} a JOIN {P} p ON p.id = a.project_id {from_units} AND a.year IN (%s, %s) "
        f"GROUP BY {g_sel}a.year",
        [scope_id, year, year - 1],
    )
    yield (
        f"SELECT {g_sel}SUM(pm.planned_investment) FROM {M} pm "
        f"JOIN {A} a ON a.id = pm.plan_id JOIN {P} p ON p.id = a.project_id {from_units} "
        f"AND a.year = %s AND pm.month <= %s{g_by}",
        [scope_id, year, m],
    )
    # Each planned project's reports by the covering index (project, status, month,
    # investment): the fastest plain form on both databases (an inner join filtered in
    # WHERE makes SQLite scan the months' reports by the (status, month) index).
    for y, day in ((year, as_of), (year - 1, add_months(as_of, -12))):
        yield (
            f"SELECT {g_sel}SUM(r.investment) FROM {A} a JOIN {P} p ON p.id = a.project_id "
            f"JOIN {U} u ON u.id = p.unit_id "
            f"LEFT JOIN {R} r ON r.project_id = a.project_id AND r.status = 'accepted' "
            f"AND r.month >= %s AND r.month <= %s WHERE {scope} AND a.year = %s{g_by}",
            [date(y, 1, 1), month_start(day), scope_id, y],
        )
    yield (
        f"SELECT {g_sel}COUNT(*) FROM {E} e JOIN {P} p ON p.id = e.project_id {from_units} "
        f"AND e.stage = 'in_production' AND e.date <= %s{g_by}",
        [scope_id, add_months(as_of, -12)],
    )


def figures_bound(*, scope: str, scope_id: int, year: int, as_of: date, group=False) -> list:
    """Run the lower-bound queries; returns their rows (so they are really fetched)."""
    out = []
    with connection.cursor() as cursor:
        for sql, params in _queries(scope, group, year, as_of, scope_id):
            cursor.execute(sql, params)
            out.append(cursor.fetchall())
    return out


def warnings_bound(*, city_id: int, as_of: date, answers: dict | None = None) -> list:
    """What every warning needs at least, each input read once by a plain query:

    1. the city's projects on the line (not terminated or suspended) with what a warning
       names — code, name, unit — and their planned start and completion and total
       investment (start and completion overdue, the totals of the anomaly checks);
    2. each project's stage facts as of the date: the first date it reached started, in
       statistics and completed, and its top stage (every rule but the report checks);
    3. each project's accepted reports up to the as-of month: count, sum, smallest
       amount, largest amount of the last 12 months, last month, last month with
       investment, the year's sum (stalled, silent, lagging, data anomalies);
    4. the plans of the year with their own curve to the as-of month (lagging);
    5. the reports filed for the month whose deadline passed (report missing);
    6. stage dates out of order: one window pass over the events (each against the
       earliest date of the project's later stages);
    7. the leaders linked to the projects;
    8. the coordination issues past their deadline and not resolved or closed by the
       date: the oldest deadline and their count per project (issue overdue);

    and, for the few projects those facts single out (picked in Python from 1–4, as any
    client would): 9. the lagging projects' sums to each earlier month-end of the year and
    their curves' (since when they lag); 10. the month an over-spent project's running sum
    crossed its total (one window pass over their reports).

    ``answers``, when given, receives what the bound finds, to be compared with the
    product's (``bench/run.py``): for every rule (its key), the ids of the projects it
    fires for, with the default thresholds. Two more plain queries serve only the
    answers: the negative plans of the years up to the date and the zero reports of the
    projects whose last report shows no investment (stalled, counted in Python).
    """
    jan1 = date(as_of.year, 1, 1)
    month = month_start(as_of)
    recent = add_months(month, -12)
    last_month = add_months(month, -1)
    elapsed = as_of.month
    scope = f"JOIN {P} p ON p.id = {{alias}}.project_id JOIN {U} u ON u.id = p.unit_id"
    queries = [
        (
            "SELECT p.id, p.code, p.name, u.code, u.name, p.planned_start, "
            f"p.planned_completion, p.total_investment FROM {P} p "
            f"JOIN {U} u ON u.id = p.unit_id WHERE u.parent_id = %s "
            "AND NOT EXISTS (SELECT 1 FROM projects_termination t "
            "WHERE t.project_id = p.id AND t.terminated_on <= %s) "
            "AND NOT EXISTS (SELECT 1 FROM projects_suspension s WHERE s.project_id = p.id "
            "AND s.started_on <= %s AND (s.resumed_on IS NULL OR s.resumed_on > %s))",
            [city_id, as_of, as_of, as_of],
        ),
        (
            f"SELECT e.project_id, MAX({SEQ}), "
            f"MIN(CASE WHEN {SEQ} >= {STAGE_ORDER['started']} THEN e.date END), "
            f"MIN(CASE WHEN {SEQ} >= {STAGE_ORDER['in_statistics']} THEN e.date END), "
            f"MIN(CASE WHEN {SEQ} >= {STAGE_ORDER['completed']} THEN e.date END) FROM {E} e "
            + scope.format(alias="e")
            + " WHERE u.parent_id = %s AND e.date <= %s GROUP BY e.project_id",
            [city_id, as_of],
        ),
        (
            "SELECT r.project_id, COUNT(*), SUM(r.investment), MIN(r.investment), "
            "MAX(CASE WHEN r.month > %s THEN r.investment END), MAX(r.month), "
            "MAX(CASE WHEN r.investment > 0 THEN r.month END), "
            f"SUM(CASE WHEN r.month >= %s THEN r.investment ELSE 0 END) FROM {R} r "
            + scope.format(alias="r")
            + " WHERE u.parent_id = %s AND r.status = 'accepted' AND r.month <= %s "
            "GROUP BY r.project_id",
            [recent, jan1, city_id, month],
        ),
        (
            "SELECT a.project_id, MAX(a.planned_investment), "
            "SUM(CASE WHEN pm.month <= %s THEN pm.planned_investment END) "
            f"FROM {A} a LEFT JOIN {M} pm ON pm.plan_id = a.id "
            + scope.format(alias="a")
            + " WHERE u.parent_id = %s AND a.year = %s GROUP BY a.project_id",
            [elapsed, city_id, as_of.year],
        ),
        (
            f"SELECT r.project_id FROM {R} r "
            + scope.format(alias="r")
            + " WHERE u.parent_id = %s AND r.month = %s AND r.status <> 'draft'",
            [city_id, last_month],
        ),
        (
            "SELECT project_id, MIN(date) FROM (SELECT e.project_id, e.date, "
            f"MIN(e.date) OVER (PARTITION BY e.project_id ORDER BY {SEQ} DESC "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later FROM "
            f"{E} e "
            + scope.format(alias="e")
            + " WHERE u.parent_id = %s AND e.date <= %s) t WHERE later < date "
            "GROUP BY project_id",
            [city_id, as_of],
        ),
        (
            "SELECT l.project_id, us.full_name FROM projects_project_leaders l "
            "JOIN accounts_user us ON us.id = l.user_id "
            + scope.format(alias="l")
            + " WHERE u.parent_id = %s",
            [city_id],
        ),
        (
            "SELECT i.project_id, MIN(i.deadline), COUNT(*) FROM coordination_issue i "
            + scope.format(alias="i")
            + " WHERE u.parent_id = %s AND i.raised_on <= %s "
            "AND (i.closed_on IS NULL OR i.closed_on > %s) AND i.deadline < %s "
            "AND (i.resolved_on IS NULL OR i.resolved_on > %s) GROUP BY i.project_id",
            [city_id, as_of, as_of, as_of, as_of],
        ),
    ]
    out = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            out.append(cursor.fetchall())
        projects, stages, reports, plans = out[0], out[1], out[2], out[3]
        total = {row[0]: row[7] for row in projects}
        started = {row[0] for row in stages if row[2] is not None}
        ytd = {row[0]: row[7] for row in reports}
        lagging = [
            pk
            for pk, plan, curve in plans
            if plan
            and plan > 0
            and pk in started
            and (curve if curve is not None else plan * elapsed / 12) - (ytd.get(pk) or 0)
            >= plan / 10
        ]
        if answers is not None:
            answers.update(_answers(cursor, out, lagging, city_id=city_id, as_of=as_of))
        over = [
            row[0] for row in reports if total.get(row[0]) is not None and row[2] > total[row[0]]
        ]
        month_ends = [date(as_of.year, k, 1) for k in range(1, as_of.month)]
        if lagging and month_ends:
            ids = ",".join(map(str, lagging))
            cursor.execute(
                "SELECT r.project_id"
                + "".join(
                    f", SUM(CASE WHEN r.month <= '{k.isoformat()}' THEN r.investment END)"
                    for k in month_ends
                )
                + f" FROM {R} r WHERE r.project_id IN ({ids}) AND r.status = 'accepted' "
                f"AND r.month >= '{jan1.isoformat()}' AND r.month < '{month.isoformat()}' "
                "GROUP BY r.project_id"
            )
            out.append(cursor.fetchall())
            cursor.execute(
                "SELECT a.project_id"
                + "".join(
                    f", SUM(CASE WHEN pm.month <= {k.month} THEN pm.planned_investment END)"
                    for k in month_ends
                )
                + f" FROM {A} a JOIN {M} pm ON pm.plan_id = a.id WHERE a.project_id IN ({ids}) "
                f"AND a.year = {as_of.year} GROUP BY a.project_id"
            )
            out.append(cursor.fetchall())
        if over:
            cursor.execute(
                "SELECT project_id, MIN(month) FROM (SELECT r.project_id, r.month, "
                "p.total_investment AS total, "
                "SUM(r.investment) OVER (PARTITION BY r.project_id ORDER BY r.month) AS running "
                f"FROM {R} r JOIN {P} p ON p.id = r.project_id "
                f"WHERE r.project_id IN ({','.join(map(str, over))}) "
                f"AND r.status = 'accepted' AND r.month <= '{month.isoformat()}') t "
                "WHERE running > total GROUP BY project_id"
            )
            out.append(cursor.fetchall())
    return out


def _answers(cursor, out, lagging, *, city_id: int, as_of: date) -> dict[str, set[int]]:
    """Every rule's projects (default thresholds) from the bound's facts, as a client
    would find them: plain Python over the rows of :func:`warnings_bound`."""
    from ballast.projects.choices import STATISTICS_THRESHOLD_WAN
    from ballast.regions.models import Region
    from ballast.reports.services import deadline_for

    projects, stages, reports, _plans, filed, disorder = out[:6]
    active = {row[0] for row in projects}
    facts = {row[0]: row for row in stages}
    started = {pk: _day(row[2]) for pk, row in facts.items() if row[2] is not None}
    in_statistics = {pk for pk, row in facts.items() if row[3] is not None}
    completed = {pk: _day(row[4]) for pk, row in facts.items() if row[4] is not None}
    # pk → (last accepted month, last month with investment)
    last = {row[0]: (_day(row[5]), _day(row[6])) for row in reports}
    month = month_start(as_of)
    last_month = add_months(month, -1)
    found: dict[str, set[int]] = {
        "lagging": set(lagging),
        # 开工逾期 / 竣工逾期: yellow from the day after the planned date (0 months).
        "start_overdue": {
            row[0] for row in projects if row[5] and row[5] < as_of and row[0] not in started
        },
        "completion_overdue": {
            row[0] for row in projects if row[6] and row[6] < as_of and row[0] not in completed
        },
        # 开工未列统: ≥ 500 万元, started more than 1 month ago, not in statistics.
        "not_in_statistics": {
            row[0]
            for row in projects
            if row[7] is not None
            and row[7] >= STATISTICS_THRESHOLD_WAN
            and row[0] in started
            and started[row[0]] < add_months(as_of, -1)
            and row[0] not in in_statistics
        },
    }
    # 开工之后再无下文: no accepted report for the last 2 months (from the start month on).
    window = add_months(last_month, -1)
    window_end = add_months(window, 1) - date.resolution
    found["silent"] = {
        pk
        for pk, day in started.items()
        if day <= window_end and pk not in completed and (pk not in last or last[pk][0] < window)
    }
    # 月报逾期未报: the latest month whose deadline has passed (the month before the
    # as-of month here: the as-of date of the benchmark lies after its deadline).
    city = Region.objects.get(pk=city_id)
    deadline = deadline_for(city=city, month=last_month)
    if as_of > deadline:
        month_end = month - date.resolution
        filed_ids = {row[0] for row in filed}
        found["report_missing"] = {
            pk
            for pk, day in started.items()
            if day <= month_end
            and not (pk in completed and completed[pk] < last_month)
            and pk not in filed_ids
        }
    # 只开工不施工: at least 2 zero months (from the start month on) after the last
    # month with investment; counted on the zero reports of the projects whose last
    # accepted report shows none.
    quiet = [
        pk
        for pk, (latest, last_positive) in last.items()
        if pk in started
        and pk not in completed
        and (last_positive is None or last_positive < latest)
    ]
    zeros: dict[int, int] = {}
    if quiet:
        cursor.execute(
            f"SELECT r.project_id, r.month FROM {R} r WHERE r.project_id IN "
            f"({','.join(map(str, quiet))}) AND r.status = 'accepted' AND r.month <= %s "
            "AND r.investment = 0",
            [month],
        )
        for pk, day in cursor.fetchall():
            day = _day(day)
            last_positive = last[pk][1]
            if day >= month_start(started[pk]) and (last_positive is None or day > last_positive):
                zeros[pk] = zeros.get(pk, 0) + 1
    found["stalled"] = {pk for pk, n in zeros.items() if n >= 2}
    # 数据异常 (ratio 5): the sum above the total, a negative amount, plan or total, a
    # month of the last 12 at least 5 times the mean of the other months (≥ 3 of them:
    # the largest such month decides), stage dates out of order.
    cursor.execute(
        f"SELECT DISTINCT a.project_id FROM {A} a JOIN {P} p ON p.id = a.project_id "
        f"JOIN {U} u ON u.id = p.unit_id WHERE u.parent_id = %s AND a.year <= %s "
        "AND a.planned_investment < 0",
        [city_id, as_of.year],
    )
    anomalies = {row[0] for row in cursor.fetchall()} | {row[0] for row in disorder}
    total = {row[0]: row[7] for row in projects}
    anomalies |= {pk for pk, value in total.items() if value is not None and value < 0}
    for pk, count, amount, lowest, peak, *_ in reports:
        if (
            (total.get(pk) is not None and amount > total[pk])
            or lowest < 0
            or (
                peak is not None
                and count > 3
                and amount - peak > 0
                and peak * (count - 1) >= 5 * (amount - peak)
            )
        ):
            anomalies.add(pk)
    found["data_anomaly"] = anomalies
    # 协调问题逾期: an issue at least one day past its deadline (every row of query 8).
    found["issue_overdue"] = {row[0] for row in out[7]}
    return {rule: ids & active for rule, ids in found.items()}


def leaders_bound(out) -> dict[int, list[str]]:
    """The leaders the bound read (query 7 of :func:`warnings_bound`): project id → their
    names in order, to be compared with the names the product's warnings carry."""
    leaders: dict[int, list[str]] = {}
    for pk, name in out[6]:
        leaders.setdefault(pk, []).append(name)
    return {pk: sorted(names) for pk, names in leaders.items()}


def _day(value):
    """A date as fetched raw: SQLite gives the text of an aggregate's date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- attraction (招商线索) ---------------------------------------------------------------

L = "attraction_lead"
CH = "attraction_channel"
CL = "projects_industrycluster"


def attraction_bound(*, city_id: int, start: date, end: date) -> dict:
    """The attraction figures of a city's leads (``attraction_figures``) by plain SQL: the
    funnel and the open and terminated leads in one pass, the signed of the period with
    its size classes, by channel, cluster and unit, and the days from first contact to
    signing — resolved duplicates left out. Returns the numbers, for the comparison."""
    live = (
        f"FROM {L} l JOIN {U} u ON u.id = l.unit_id "
        "WHERE u.parent_id = %s AND l.duplicate_of_id IS NULL AND l.info_on <= %s"
    )
    signed = f"{live} AND l.signed_on >= %s AND l.signed_on <= %s"
    days = (
        "l.signed_on - l.contacted_on"
        if connection.vendor == "postgresql"
        else "CAST(julianday(l.signed_on) - julianday(l.contacted_on) AS INTEGER)"
    )
    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), "
            "SUM(CASE WHEN l.contacted_on <= %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.negotiating_on <= %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.signed_on <= %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.terminated_on <= %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.stage IN ('info', 'contact', 'negotiating') AND "
            "(l.terminated_on IS NULL OR l.terminated_on > %s) THEN 1 ELSE 0 END) " + live,
            [end] * 5 + [city_id, end],
        )
        row = cursor.fetchone()
        out["funnel"] = [int(v or 0) for v in row[:4]]
        out["terminated"], out["open"] = int(row[4] or 0), int(row[5] or 0)
        args = [city_id, end, start, end]
        cursor.execute(
            "SELECT COUNT(*), SUM(l.amount), SUM(l.amount_usd), "
            "SUM(CASE WHEN l.amount >= 10000 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.amount >= 100000 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.amount >= 500000 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN l.amount_usd > 0 THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN l.contacted_on IS NOT NULL THEN {days} END), "
            "COUNT(l.contacted_on) " + signed,
            args,
        )
        row = cursor.fetchone()
        out["signed"] = [int(row[0]), _dec(row[1]), _dec(row[2])] + [int(v or 0) for v in row[3:7]]
        out["days_to_sign"] = round(int(row[7]) / row[8]) if row[8] else None
        for key, sql in (
            ("by_channel", f"SELECT c.name, COUNT(*), SUM(l.amount) {signed.replace('WHERE', f'JOIN {CH} c ON c.id = l.channel_id WHERE', 1)} GROUP BY c.name"),
            ("by_cluster", f"SELECT k.name, COUNT(*), SUM(l.amount) {signed.replace('WHERE', f'LEFT JOIN {CL} k ON k.id = l.cluster_id WHERE', 1)} GROUP BY k.name"),
            ("by_unit", f"SELECT u.code, COUNT(*), SUM(l.amount) {signed} GROUP BY u.code"),
        ):  # fmt: skip
            cursor.execute(sql, args)
            out[key] = {name: (int(n), _dec(amount)) for name, n, amount in cursor.fetchall()}
    return out


def _dec(value):
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def attraction_answers(product: dict) -> dict:
    """The product's attraction figures in the bound's shape (for the comparison)."""

    def groups(rows, key):
        return {r[key]: (r["count"], _dec(r["amount_wan"])) for r in rows}

    s = product["signed"]
    return {
        "funnel": [row["count"] for row in product["funnel"]],
        "terminated": product["terminated"],
        "open": product["open"],
        "signed": [s["count"], _dec(s["amount_wan"]), _dec(s["usd_wan"])]
        + [s["over_1yi"], s["over_10yi"], s["over_50yi"], s["foreign"]],
        "days_to_sign": product["days_to_sign"],
        "by_channel": groups(product["by_channel"], "channel__name"),
        "by_cluster": groups(product["by_cluster"], "cluster__name"),
        "by_unit": groups(product["by_unit"], "unit__code"),
    }
