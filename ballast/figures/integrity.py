"""Integrity analytics (数据质量与防虚报): signs that a unit's monthly reports are inflated
or made up, per assessment unit, for a year as of a date.

Reads the same accepted monthly reports the figures count (:func:`accepted_reports`,
i.e. ``counted_q``), money in Decimal 万元:

* **季末冲高** — the share of the year's reported investment in the last month of each
  quarter (3、6、9、12月), and each quarter-end month against the mean of the unit's own
  other months of the year (a spike);
* **更正率 / 退回率** — the unit's reports of the year's months that were amended after
  acceptance (``amendment_count`` > 0) or returned (``returned_at`` on or before the
  as-of date);
* **首位数字（Benford）与末位数字检验** — chi-square of the first digits of the monthly
  amounts against Benford's law, and of the last digit of their whole 万元 against the
  uniform law; the sample size is always stated and NO verdict is given below the
  minimum sample;
* **项目** — projects whose reported since-start sum outruns their total investment, or
  that reported much but have no 开工 stage by the as-of date.

Every flag says why in Chinese. Thresholds are data: :data:`DEFAULTS`, each overridable
in the ``BALLAST_INTEGRITY`` setting (a dict) — one rule for every city until a city asks
for its own; the thresholds used are returned with the answer so a flag can be read
against them. No verdict is a judgement: a flag is a reason to look (抽查), not a finding.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from ballast.core.known import known_rows
from ballast.core.periods import month_start
from ballast.figures.asknown import project_field, reached_by_known
from ballast.figures.selectors import city_units, money, rate
from ballast.projects.choices import Stage
from ballast.projects.models import Project
from ballast.projects.selectors import reached_by
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport, counted_q

DEFAULTS = {
    # The quarter-end months hold 1/3 of an even year; above this share of the year's
    # reported investment (over complete quarters) the unit is flagged.
    "quarter_end_share_max": Decimal("0.50"),
    # A quarter-end month at or above this multiple of the mean of the unit's other
    # months of the year is a spike.
    "spike_ratio": Decimal("2.5"),
    # Reports of the year's months: amended / returned shares at or above these flag.
    "amendment_rate_max": Decimal("0.20"),
    "return_rate_max": Decimal("0.30"),
    # Fewer reports than this: the rates are stated, no flag.
    "min_reports": 10,
    # Digit tests: no verdict below these sample sizes.
    "benford_min_sample": 100,
    "last_digit_min_sample": 100,
    # Chi-square critical values at the 1% level: 8 degrees of freedom (first digits
    # 1–9), 9 degrees of freedom (last digits 0–9).
    "benford_chi2_critical": Decimal("20.09"),
    "last_digit_chi2_critical": Decimal("21.67"),
    # Reported since start above this share of the total investment without a 开工
    # stage event by the as-of date.
    "unstarted_share_max": Decimal("0.10"),
    # Reported since start above this share of the total investment without a 列统
    # (statistics) stage event by the as-of date.
    "unlisted_share_max": Decimal("0.50"),
    # Reported since start, as a share of the total investment, above the works done
    # (工程完成比例 of the latest accepted report) by more than this gap.
    "progress_gap_max": Decimal("0.25"),
    # Reconciliation with the statistics bureau's 入库 list: amounts that differ by more
    # than this share of the larger one are listed.
    "bureau_amount_gap_max": Decimal("0.05"),
}

# Where per-city thresholds come from: functions ``(city) -> {key: value}`` registered by
# an app above (``alerts`` keeps them as data, ``alerts.IntegrityThreshold``).
_CITY_THRESHOLDS: list = []


def register_city_thresholds(source) -> None:
    """Register ``source(city) -> {key: value}``: a city's own thresholds (from
    ``AppConfig.ready()``; the figures app sits below the app that stores them)."""
    if source not in _CITY_THRESHOLDS:
        _CITY_THRESHOLDS.append(source)


QUARTER_END_MONTHS = (3, 6, 9, 12)
PLACES = Decimal("0.0001")
BENFORD = {d: (Decimal(1) + Decimal(1) / Decimal(d)).log10() for d in range(1, 10)}


def _typed(key: str, value):
    """``value`` as the type of :data:`DEFAULTS`' ``key`` (an integer stored as 10.0000)."""
    if isinstance(DEFAULTS[key], int):
        return int(Decimal(str(value)))
    return Decimal(str(value))


def thresholds(city: Region | None = None) -> dict:
    """:data:`DEFAULTS` with the ``BALLAST_INTEGRITY`` setting's overrides, then
    ``city``'s own thresholds (stored by the city administrator) over those."""
    chosen = dict(DEFAULTS)
    for key, value in (getattr(settings, "BALLAST_INTEGRITY", None) or {}).items():
        if key not in DEFAULTS:
            raise ValueError(f"BALLAST_INTEGRITY: unknown threshold {key!r}")
        chosen[key] = _typed(key, value)
    if city is not None:
        for source in _CITY_THRESHOLDS:
            for key, value in source(city).items():
                if key in DEFAULTS:
                    chosen[key] = _typed(key, value)
    return chosen


def pct(value: Decimal) -> str:
    return f"{value * 100:.1f}%"


def _flag(kind: str, reason: str) -> dict:
    return {"kind": kind, "reason": reason}


# --------------------------------------------------------------------------- quarter ends


def quarter_end_check(monthly: dict[int, Decimal], *, last_month: int, rules: dict) -> dict:
    """Quarter-end share and spikes of one unit from its accepted amounts per month
    (``{month number: 万元}``) of months ``1..last_month``.

    The share counts complete quarters only (months up to the last quarter end on or
    before ``last_month``): an as-of date in mid-quarter does not lower it. A spike compares
    a quarter-end month with the mean of the unit's non-quarter-end months of the year."""
    months = range(1, last_month - last_month % 3 + 1)
    total = sum((monthly.get(m, Decimal(0)) for m in months), Decimal(0))
    ends = sum((monthly.get(m, Decimal(0)) for m in months if m % 3 == 0), Decimal(0))
    share = rate(ends, total)
    others = [monthly.get(m, Decimal(0)) for m in range(1, last_month + 1) if m % 3]
    baseline = money(sum(others, Decimal(0)) / len(others)) if others else None
    flags, spikes = [], []
    if share is not None and share > rules["quarter_end_share_max"]:
        flags.append(
            _flag(
                "quarter_end_share",
                f"季末月（3、6、9、12月）报送投资{money(ends)}万元，占前{len(months)}个月"
                f"已报{money(total)}万元的{pct(share)}，高于阈值{pct(rules['quarter_end_share_max'])}"
                f"（均匀分布约为33.3%）。",
            )
        )
    for m in QUARTER_END_MONTHS:
        if m > last_month or not baseline:
            continue
        ratio = (monthly.get(m, Decimal(0)) / baseline).quantize(PLACES)
        spikes.append({"month": m, "amount": money(monthly.get(m, 0)), "ratio": ratio})
        if ratio >= rules["spike_ratio"]:
            flags.append(
                _flag(
                    "quarter_end_spike",
                    f"{m}月报送投资{money(monthly.get(m, 0))}万元，是本板块非季末月平均"
                    f"{baseline}万元的{ratio:.2f}倍（阈值{rules['spike_ratio']}倍）。",
                )
            )
    return {
        "months": len(months),
        "total": money(total),
        "quarter_ends": money(ends),
        "share": share,
        "other_months_mean": baseline,
        "spikes": spikes,
        "flags": flags,
    }


# --------------------------------------------------------------------------- digits


def first_digit(amount: Decimal) -> int:
    """The first significant digit of a positive amount."""
    return int(str(amount.normalize().scaleb(-amount.adjusted()))[0])


def chi_square(counts: Counter, expected_shares: dict[int, Decimal], n: int) -> Decimal:
    total = Decimal(0)
    for digit, share in expected_shares.items():
        expected = share * n
        total += (Decimal(counts.get(digit, 0)) - expected) ** 2 / expected
    return total.quantize(PLACES)


def digit_tests(amounts: list[Decimal], *, rules: dict) -> dict:
    """Benford first-digit test on the positive amounts, last-digit test on the whole 万元
    of amounts of at least 10 万元 (below, the last digit is the first). Each test states
    its sample size; below its minimum sample its verdict is ``None`` (no verdict)."""
    positive = [a for a in amounts if a > 0]
    firsts = Counter(first_digit(a) for a in positive)
    wholes = [int(a) for a in positive if a >= 10]
    lasts = Counter(w % 10 for w in wholes)
    flags = []

    benford = {"n": len(positive), "min_sample": rules["benford_min_sample"]}
    benford["counts"] = {d: firsts.get(d, 0) for d in range(1, 10)}
    if len(positive) >= rules["benford_min_sample"]:
        chi2 = chi_square(firsts, BENFORD, len(positive))
        benford.update(chi2=chi2, critical=rules["benford_chi2_critical"])
        benford["deviates"] = chi2 > rules["benford_chi2_critical"]
        if benford["deviates"]:
            flags.append(
                _flag(
                    "benford",
                    f"{len(positive)}笔月度投资额的首位数字分布偏离本福特定律"
                    f"（卡方{chi2:.2f}，1%临界值{rules['benford_chi2_critical']}）。",
                )
            )
    else:
        benford.update(chi2=None, critical=None, deviates=None)

    uniform = {d: Decimal("0.1") for d in range(10)}
    last = {"n": len(wholes), "min_sample": rules["last_digit_min_sample"]}
    last["counts"] = {d: lasts.get(d, 0) for d in range(10)}
    if len(wholes) >= rules["last_digit_min_sample"]:
        chi2 = chi_square(lasts, uniform, len(wholes))
        round_share = rate(lasts.get(0, 0) + lasts.get(5, 0), len(wholes))
        last.update(chi2=chi2, critical=rules["last_digit_chi2_critical"])
        last["zero_or_five_share"] = round_share
        last["deviates"] = chi2 > rules["last_digit_chi2_critical"]
        if last["deviates"]:
            flags.append(
                _flag(
                    "last_digit",
                    f"{len(wholes)}笔月度投资额（万元整数部分）的末位数字分布不均匀"
                    f"（卡方{chi2:.2f}，1%临界值{rules['last_digit_chi2_critical']}；"
                    f"末位为0或5的占{pct(round_share)}，均匀应为20.0%）。",
                )
            )
    else:
        last.update(chi2=None, critical=None, deviates=None, zero_or_five_share=None)
    return {"benford": benford, "last_digit": last, "flags": flags}


# --------------------------------------------------------------------------- whole city


def _report_rates(row: dict, as_of: date, rules: dict) -> dict:
    n = row["n"]
    out = {
        "reports": n,
        "amended": row["amended"],
        "returned": row["returned"],
        "amendment_rate": rate(row["amended"], n),
        "return_rate": rate(row["returned"], n),
        "flags": [],
    }
    if n < rules["min_reports"]:
        return out
    for key, kind, name in (
        ("amendment_rate", "amended", "验收后被更正"),
        ("return_rate", "returned", "被退回"),
    ):
        limit = rules[f"{key}_max"]
        if out[key] is not None and out[key] >= limit:
            out["flags"].append(
                _flag(
                    key,
                    f"本年已报送的{n}份月报中{out[kind]}份{name}，占{pct(out[key])}"
                    f"（阈值{pct(limit)}）。",
                )
            )
    return out


def integrity(
    *,
    city: Region,
    year: int,
    as_of: date,
    units: list[Region] | None = None,
    known_at: datetime | None = None,
) -> dict:
    """The integrity analytics of ``city``'s assessment units (or of ``units`` of it) for
    ``year`` as of ``as_of``: one row per unit with its checks and flags, and the flagged
    projects. A fixed number of queries whatever the number of units. The thresholds are
    the city's (:func:`thresholds`). ``known_at``: the reports, projects and stages as
    recorded at that moment (None: now)."""
    rules = thresholds(city)
    units = list(units) if units is not None else list(city_units(city))
    unit_ids = [u.pk for u in units]
    # The months of the year up to as_of's month (0: the year has not begun).
    last_month = 0 if as_of < date(year, 1, 1) else 12 if as_of.year > year else as_of.month
    first = date(year, 1, 1)
    last = date(year, max(last_month, 1), 1)

    if known_at is None:
        reports = MonthlyReport.objects.annotate(r_unit=F("project__unit_id"))
    else:
        reports = known_rows(MonthlyReport, known_at).annotate(
            r_unit=project_field("unit_id", known_at)
        )
    counted = reports.filter(
        counted_q(as_of=as_of), r_unit__in=unit_ids, month__gte=first, month__lte=last
    )
    monthly: dict[int, dict[int, Decimal]] = defaultdict(dict)
    amounts: dict[int, list[Decimal]] = defaultdict(list)
    if last_month:
        for unit_id, month, total in (
            counted.order_by().values_list("r_unit", "month").annotate(total=Sum("investment"))
        ):
            monthly[unit_id][month.month] = Decimal(total or 0)
        for unit_id, amount in counted.order_by().values_list("r_unit", "investment"):
            amounts[unit_id].append(Decimal(amount))

    rates: dict[int, dict] = defaultdict(lambda: {"n": 0, "amended": 0, "returned": 0})
    if last_month:
        ever_sent = ~Q(status=ReportStatus.DRAFT) | Q(returned_at__isnull=False)
        for row in (
            reports.filter(ever_sent, r_unit__in=unit_ids, month__gte=first, month__lte=last)
            .order_by()
            .values("r_unit")
            .annotate(
                n=Count("id"),
                amended=Count("id", filter=Q(amendment_count__gt=0)),
                returned=Count("id", filter=Q(returned_at__date__lte=as_of)),
            )
        ):
            rates[row["r_unit"]] = row

    projects = flagged_projects(unit_ids, as_of=as_of, rules=rules, known_at=known_at)
    outrunning = Counter(p["unit"] for p in projects)
    rows = []
    for unit in units:
        quarter = quarter_end_check(monthly[unit.pk], last_month=last_month, rules=rules)
        reports = _report_rates(rates[unit.pk], as_of, rules)
        digits = digit_tests(amounts[unit.pk], rules=rules)
        own = []
        if outrunning[unit.code]:
            own.append(
                _flag(
                    "projects",
                    f"{outrunning[unit.code]}个项目的累计报送投资超出其总投资、建设阶段"
                    f"或工程完成比例（见下方项目清单）。",
                )
            )
        rows.append(
            {
                "unit": unit.code,
                "unit_name": unit.name,
                "quarter_end": quarter,
                "reports": reports,
                "digits": digits,
                "flagged_projects": outrunning[unit.code],
                "flags": quarter["flags"] + reports["flags"] + digits["flags"] + own,
            }
        )
    return {
        "city": city.code,
        "city_name": city.name,
        "year": year,
        "as_of": as_of,
        "thresholds": rules,
        "units": rows,
        "projects": projects,
    }


def flagged_projects(
    unit_ids, *, as_of: date, rules: dict, known_at: datetime | None = None
) -> list[dict]:
    """Projects whose accepted since-start sum (months up to ``as_of``'s month) outruns
    their total investment; or is above ``unstarted_share_max`` of it with no 开工 stage
    event (or a later stage) dated on or before ``as_of``; or above ``unlisted_share_max``
    of it with no 列统 (statistics) stage by then; or, as a share of the total, above the
    工程完成比例 (percent of works done) of the project's latest accepted report with one
    by more than ``progress_gap_max``. ``known_at``: as recorded at that moment."""
    if known_at is not None:
        return _flagged(_known_projects(unit_ids, as_of=as_of, known_at=known_at), as_of, rules)
    counted = counted_q("reports__", as_of=as_of)
    since_start = Coalesce(Sum("reports__investment", filter=counted), Decimal(0))
    latest_percent = Subquery(
        MonthlyReport.objects.counted(as_of=as_of)
        .filter(project=OuterRef("pk"), percent_complete__isnull=False)
        .order_by("-month")
        .values("percent_complete")[:1]
    )
    projects = (
        Project.objects.filter(unit_id__in=unit_ids)
        .annotate(since_start=since_start)
        .filter(since_start__gt=0)
        .annotate(
            started=reached_by(Stage.STARTED, as_of),
            listed=reached_by(Stage.IN_STATISTICS, as_of),
            percent=latest_percent,
        )
        .select_related("unit")
        .order_by("unit__sort_order", "unit__code", "pk")
    )
    return _flagged(projects, as_of, rules)


def _known_projects(unit_ids, *, as_of: date, known_at: datetime):
    """:func:`flagged_projects`' candidates as recorded at ``known_at``: the projects'
    history rows then, their counted reports, stages and latest 工程完成比例 then."""
    reports = (
        known_rows(MonthlyReport, known_at)
        .filter(counted_q(as_of=as_of))
        .filter(project_id=OuterRef("id"))
    )
    since_start = Coalesce(
        Subquery(
            reports.order_by()
            .values("project_id")
            .annotate(total=Sum("investment"))
            .values("total"),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        ),
        Decimal(0),
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )
    latest_percent = Subquery(
        reports.filter(percent_complete__isnull=False)
        .order_by("-month")
        .values("percent_complete")[:1]
    )
    return (
        known_rows(Project, known_at)
        .filter(unit_id__in=unit_ids)
        .annotate(since_start=since_start)
        .filter(since_start__gt=0)
        .annotate(
            started=reached_by_known(Stage.STARTED, as_of, known_at, ref="id"),
            listed=reached_by_known(Stage.IN_STATISTICS, as_of, known_at, ref="id"),
            percent=latest_percent,
        )
        .select_related("unit")
        .order_by("unit__sort_order", "unit__code", "id")
    )


def _flagged(projects, as_of: date, rules: dict) -> list[dict]:
    out = []
    for project in projects:
        flags = project_flags(project, as_of=as_of, rules=rules)
        if flags:
            total = project.total_investment
            out.append(
                {
                    "project": project.id,
                    "name": project.name,
                    "unit": project.unit.code,
                    "unit_name": project.unit.name,
                    "since_start": money(project.since_start),
                    "total_investment": money(total) if total is not None else None,
                    "started": project.started,
                    "listed": project.listed,
                    "percent_complete": project.percent,
                    "flags": flags,
                }
            )
    return out


def project_flags(project, *, as_of: date, rules: dict) -> list[dict]:
    """The flags of one project annotated by :func:`flagged_projects` (``since_start``,
    ``started``, ``listed``, ``percent``)."""
    reported, total = money(project.since_start), project.total_investment
    flags = []
    if total is not None and reported > total:
        flags.append(
            _flag(
                "over_total",
                f"开工以来累计报送投资{reported}万元，超过项目总投资{money(total)}万元。",
            )
        )
    limit = rules["unstarted_share_max"]
    if not project.started and (total is None or reported > money(total * limit)):
        bound = "（项目未填总投资）" if total is None else f"（总投资的{pct(limit)}）"
        flags.append(
            _flag(
                "unstarted",
                f"截至{as_of:%Y-%m-%d}无开工节点，却已累计报送投资{reported}万元，"
                f"超过未开工可报上限{bound}。",
            )
        )
    if not total:
        return flags
    share = rate(reported, total)
    limit = rules["unlisted_share_max"]
    if project.started and not project.listed and share > limit:
        flags.append(
            _flag(
                "unlisted",
                f"截至{as_of:%Y-%m-%d}未列统（未入统计库），累计报送投资{reported}万元已占"
                f"总投资的{pct(share)}，高于阈值{pct(limit)}。",
            )
        )
    gap = rules["progress_gap_max"]
    if project.percent is not None:
        done = (Decimal(project.percent) / 100).quantize(PLACES)
        if share - done > gap:
            flags.append(
                _flag(
                    "outruns_progress",
                    f"累计报送投资{reported}万元占总投资的{pct(share)}，而最近一期月报的"
                    f"工程完成比例为{pct(done)}，超出{pct(share - done)}（阈值{pct(gap)}）。",
                )
            )
    return flags


def as_json(value):
    """The answer as JSON-ready data: money and rates as strings (Decimal kept exact),
    dates as ISO strings, digit keys as strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def integrity_of(region: Region, *, year: int, as_of: date) -> dict:
    """:func:`integrity` of a city (all its units) or of one assessment unit (its city's
    answer cut to that unit)."""
    if region.is_assessment_unit:
        city = (
            Region.objects.filter(kind=RegionKind.CITY, code__in=region.path.split("/")).first()
            or region
        )
        return integrity(city=city, year=year, as_of=as_of, units=[region])
    return integrity(city=region, year=year, as_of=as_of)


# --------------------------------------------------------------------------- 抽查 draw


def draw_checks(*, city: Region, month: date, n: int, seed: str, as_of: date) -> list[dict]:
    """A reproducible, risk-weighted draw of ``n`` projects for on-site checks (抽查) of
    ``month``: among the projects of ``city``'s units with an accepted report for that
    month, each weighted 1 + 3 × its own flags + its unit's flags (:func:`integrity` of
    ``month``'s year as of ``as_of``). The same seed, city, month and data give the same
    list: weighted sampling without replacement by Efraimidis–Spirakis keys u^(1/w) from
    ``random.Random`` seeded with ``"seed:city:YYYY-MM"``; candidates in id order.
    Not stored yet (docs/integrity.md)."""
    month = month_start(month)
    answer = integrity(city=city, year=month.year, as_of=as_of)
    unit_flags = {row["unit"]: len(row["flags"]) for row in answer["units"]}
    project_flags = {p["project"]: p["flags"] for p in answer["projects"]}
    candidates = (
        Project.objects.filter(
            counted_q("reports__"), unit__code__in=list(unit_flags), reports__month=month
        )
        .select_related("unit")
        .order_by("pk")
        .distinct()
    )
    rng = random.Random(f"{seed}:{city.code}:{month:%Y-%m}")
    keyed = []
    for project in candidates:
        own = project_flags.get(project.pk, [])
        weight = 1 + 3 * len(own) + unit_flags[project.unit.code]
        reasons = [f["reason"] for f in own]
        if unit_flags[project.unit.code]:
            reasons.append(f"所在板块{project.unit.name}有{unit_flags[project.unit.code]}条提示。")
        key = rng.random() ** (1 / weight)
        keyed.append((key, project, weight, reasons))
    keyed.sort(key=lambda item: item[0], reverse=True)
    return [
        {
            "project": project.pk,
            "name": project.name,
            "unit": project.unit.code,
            "weight": weight,
            "reasons": reasons or ["随机抽取（无提示）。"],
        }
        for _key, project, weight, reasons in keyed[: max(n, 0)]
    ]
