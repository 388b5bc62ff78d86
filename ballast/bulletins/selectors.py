"""Reads of bulletins: compose a bulletin's content from the figures, list published ones.

:func:`bulletin_content` gathers everything a bulletin says — the written summary, the
tables by unit, the ranking, the 红黑榜, warnings, overruns against the baseline, open
issues and next period's tasks —
into plain JSON-serialisable data (Decimals as strings). The Word and Excel writers
render only that data, so a published bulletin (which stores it) re-renders to the same
document at any later time.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ballast.bulletins import sources
from ballast.bulletins.choices import KIND_OF_PERIOD
from ballast.bulletins.honour import honour_lists, honour_text
from ballast.bulletins.models import Bulletin
from ballast.bulletins.wording import (
    change_clause,
    cn_date,
    count_change_clause,
    next_period,
    percent,
    points_clause,
    rank_change_text,
    ratio,
    span_label,
    yi_cell,
    yi_text,
)
from ballast.core.periods import Period
from ballast.figures.registry import FIGURES
from ballast.regions.models import Region

CONTENT_VERSION = 1

# A bulletin's content: a plain dict (see docs/bulletins.md for its keys).
BulletinContent = dict[str, Any]

NEW_KINDS = (
    ("signed", "新签约"),
    ("started", "新开工"),
    ("completed", "新竣工"),
)
SECTION_NUMBERS = "一二三四五六七八九十"
SUB_NUMBERS = "一二三四五六七八九十"


def parse_period(text: str | Period) -> Period:
    """A bulletin's period: a quarter, a half or a year (月度、两月不出通报)."""
    period = text if isinstance(text, Period) else Period.parse(str(text))
    if period.kind not in KIND_OF_PERIOD:
        raise ValueError("通报期间应为季度（2023Q1）、半年（2023H1）或年度（2023）。")
    return period


def content_hash(content: BulletinContent) -> str:
    """SHA-256 of the canonical JSON of ``content`` (the published figures' fingerprint)."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bulletin_title(period: Period, unit: Region | None = None) -> str:
    """The title of the bulletin of ``period`` (of ``unit``, or the whole city)."""
    return f"关于{period.label}{unit.name if unit else '全市'}重大项目建设情况的通报"


def published_bulletins(*, user):
    """The published bulletins ``user`` may see, newest first.

    The policy (``accounts/policy.py``, rows with a city and an optional unit) gives a
    unit person the city's bulletins and their own unit's, never another unit's.
    """
    return Bulletin.objects.restrict(user, "view").select_related("city", "unit")


# --- helpers -----------------------------------------------------------------------------


COHORT_KINDS = sources.COHORT_KINDS


def _label(key: str) -> str:
    """What the bulletin calls the figure ``key``: its registry name, or the bulletin label
    declared beside it (``figures.registry``)."""
    return FIGURES[key].in_bulletin


def _pct(value: Decimal | None) -> str | None:
    return percent(value)


def _table(
    title: str,
    columns: list[tuple[str, str]],
    rows,
    total=None,
    note: str = "",
    docx_limit: int | None = None,
) -> dict:
    """A table of the content; ``docx_limit`` caps the rows the Word document shows (the
    Excel annex always has them all)."""
    return {
        "title": title,
        "columns": [{"label": label, "type": kind} for label, kind in columns],
        "rows": rows,
        "total": total,
        "note": note,
        "docx_limit": docx_limit,
    }


def _p(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def _sub(index: int, text: str) -> dict:
    return {"type": "subheading", "text": f"（{SUB_NUMBERS[index]}）{text}"}


def _tbl(key: str) -> dict:
    return {"type": "table", "table": key}


def _chart(key: str) -> dict:
    return {"type": "chart", "chart": key}


def _sum_rows(rows: list[dict]) -> dict:
    total: dict[str, Any] = {}
    for row in rows:
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total


def _count(value) -> int | str | None:
    """A count target: whole numbers as ints, a pro-rated one (annual × m/12) as "2.5"."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return str(value.quantize(Decimal("0.1")))


def _as_json(row: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


# --- the composer --------------------------------------------------------------------------


def bulletin_content(
    *,
    city: Region,
    period: str | Period,
    unit: Region | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> BulletinContent:
    """Compose the bulletin of ``city`` (or of one ``unit``) for ``period`` as of ``as_of``
    (default: the period's end). Figures run from 1 January to ``as_of``.

    ``known_at`` (K): compose it from the facts as recorded at K — with K the publication
    time, a published bulletin is composed again as it was published (docs/bulletins.md
    "As known at publication" lists the sections that read K). None: as known now."""
    period = parse_period(period)
    as_of = as_of or period.end
    year = period.year
    units = sources.units_of(city)
    if unit is not None:
        if not city.contains(unit):
            raise ValueError(f"{unit.name}不属于{city.name}。")
        units = units.filter(pk=unit.pk)
    unit_list = list(units)
    scope_name = unit.name if unit else "全市"
    span = span_label(period)
    coming = next_period(period)

    content: BulletinContent = {
        "version": CONTENT_VERSION,
        "city": {"code": city.code, "name": city.name},
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "period": str(period),
        "period_label": period.label,
        "span": span,
        "kind": KIND_OF_PERIOD[period.kind].value,
        "year": year,
        "as_of": as_of.isoformat(),
        "header": f"{city.name}重大项目建设工作通报",
        "issuer": f"{city.name}重大项目建设工作领导小组办公室",
        "date_text": cn_date(as_of),
        "title": bulletin_title(period, unit),
        "next_period": str(coming),
        "next_period_label": coming.label,
        "available": {},
        "totals": {},
        "sections": [],
        "tables": {},
        "charts": {},
    }
    sections = content["sections"]
    intro = _p(
        f"为深入推进重大项目“家家到、月月看、季度比、半年评、年度考”工作机制，现将"
        f"{period.label}{scope_name}重大项目建设情况通报如下（数据截至{cn_date(as_of)}）。"
    )

    figures_now = sources.units_figures(city=city, year=year, as_of=as_of, known_at=known_at)
    rows = {u.code: sources.normalise(figures_now.get(u.code, {})) for u in unit_list}
    scope_figures = sources.scope_figures(
        city=city, unit=unit, year=year, as_of=as_of, known_at=known_at
    )
    total = sources.normalise(scope_figures)
    before = sources.normalise(
        sources.scope_figures(
            city=city,
            unit=unit,
            year=year - 1,
            as_of=sources.same_day_last_year(as_of),
            known_at=known_at,
        )
    )
    targets = sources.targets_to(units=units, period=period, known_at=known_at)
    content["totals"] = {"now": _as_json(total), "last_year": _as_json(before)}
    sections.append(
        {"heading": "总体情况", "blocks": [intro, *_summary(scope_name, span, total, before)]}
    )
    sections.append(
        {
            "heading": "分板块推进情况",
            "blocks": _unit_tables(content, unit_list, rows, total, targets, span),
        }
    )

    attraction = sources.attraction(city=city, unit=unit, year=year, as_of=as_of)
    content["available"]["attraction"] = attraction is not None
    if attraction is not None:
        sections.append(
            {
                "heading": "招商引资情况",
                "blocks": _attraction(content, attraction, unit_list, targets, scope_name, span),
            }
        )

    ranking = sources.assessment(city=city, period=period, as_of=as_of, known_at=known_at)
    content["available"]["assessment"] = ranking is not None
    if ranking is not None and unit is not None:
        ranking = [r for r in ranking if _unit_code(r["unit"]) == unit.code]
    if ranking:
        sections.append(
            {"heading": "考核排名", "blocks": _ranking(content, ranking, unit_list, span)}
        )

    sections.append(
        {
            "heading": "红黑榜",
            "blocks": _honour(
                content, city, unit, period, as_of, ranking, unit_list, rows, known_at
            ),
        }
    )

    warnings = sources.warnings(city=city, unit=unit, as_of=as_of, known_at=known_at)
    sections.append(
        {
            "heading": "预警情况",
            "blocks": _warnings(
                content, warnings, as_of, {u.code: u.display_name for u in unit_list}
            ),
        }
    )

    overruns = sources.overruns(city=city, unit=unit, as_of=as_of)
    sections.append(
        {
            "heading": "项目超期情况",
            "blocks": _overruns(
                content, overruns, as_of, {u.code: u.display_name for u in unit_list}
            ),
        }
    )

    issues = sources.open_issues(city=city, unit=unit, as_of=as_of)
    sections.append({"heading": "问题协调情况", "blocks": _issues(content, issues)})

    findings = sources.integrity_findings(
        city=city, unit=unit, year=year, as_of=as_of, known_at=known_at
    )
    sections.append({"heading": "数据质量情况", "blocks": _integrity(content, findings, as_of)})

    sections.append(
        {
            "heading": "下阶段工作任务",
            "blocks": _tasks(content, city, unit, unit_list, coming, as_of, known_at),
        }
    )
    for index, section in enumerate(sections):
        section["heading"] = f"{SECTION_NUMBERS[index]}、{section['heading']}"
    return content


def _unit_code(unit) -> str:
    return unit if isinstance(unit, str) else getattr(unit, "code", str(unit))


def _summary(scope: str, span: str, total: dict, before: dict) -> list[dict]:
    """The written summary: counts and 亿元 of the new projects with their year-on-year
    change, investment completion against 序时进度, and the signed cohort's rates."""
    parts = []
    for key, label in NEW_KINDS:
        count, wan = total[f"new.{key}.count"], total[f"new.{key}.investment_wan"]
        clause = f"{label}项目{count}个"
        prior = before[f"new.{key}.count"]
        if prior:
            clause += f"、{count_change_clause(count, prior)}"
        clause += f"，总投资{yi_text(wan)}亿元"
        change = change_clause(wan, before[f"new.{key}.investment_wan"])
        if change:
            clause += f"、{change}"
        parts.append(clause)
    first = f"{span}，{scope}" + "；".join(parts) + "。"
    paragraphs = [_p(first)]

    plan, done = total["investment.annual_plan_wan"], total["investment.completed_wan"]
    rate, progress = total["investment.completion_rate"], total["investment.time_progress"]
    if plan:
        text = (
            f"{scope}重大项目年度计划投资{yi_text(plan)}亿元，{span}累计完成投资"
            f"{yi_text(done)}亿元，完成年度计划的{_pct(rate)}%，"
            f"{points_clause(rate, progress)}（序时进度{_pct(progress)}%）。"
        )
        paragraphs.append(_p(text))
    cohort = total["signed_cohort.count"]
    if cohort:
        rates = "、".join(
            f"{_label(f'signed_cohort.{key}_rate')}{_pct(total[f'signed_cohort.{key}_rate'])}%"
            for key in COHORT_KINDS
        )
        paragraphs.append(_p(f"当年新签约项目{cohort}个，截至目前{rates}。"))
    return paragraphs


def _unit_tables(content, unit_list, rows, total, targets, span) -> list[dict]:
    blocks: list[dict] = []
    names = {u.code: u.display_name for u in unit_list}
    chart_categories = [names[u.code] for u in unit_list]
    for index, (key, label) in enumerate(NEW_KINDS):
        table_rows = []
        for u in unit_list:
            row, target = rows[u.code], targets.get(u.code, {})
            count, wan = row[f"new.{key}.count"], row[f"new.{key}.investment_wan"]
            count_target, wan_target = target.get(f"{key}_count"), target.get(f"{key}_investment")
            table_rows.append(
                [
                    names[u.code],
                    int(count_target) if count_target is not None else None,
                    count,
                    _pct(ratio(count, count_target)),
                    yi_cell(wan_target) if wan_target is not None else None,
                    yi_cell(wan),
                    _pct(ratio(wan, wan_target)),
                ]
            )
        count_targets = [
            t[f"{key}_count"] for t in targets.values() if t.get(f"{key}_count") is not None
        ]
        wan_targets = [
            t[f"{key}_investment"]
            for t in targets.values()
            if t.get(f"{key}_investment") is not None
        ]
        sum_count_t = sum(count_targets) if count_targets else None
        sum_wan_t = sum(wan_targets) if wan_targets else None
        total_row = [
            "合计",
            _count(sum_count_t),
            total[f"new.{key}.count"],
            _pct(ratio(total[f"new.{key}.count"], sum_count_t)),
            yi_cell(sum_wan_t) if sum_wan_t is not None else None,
            yi_cell(total[f"new.{key}.investment_wan"]),
            _pct(ratio(total[f"new.{key}.investment_wan"], sum_wan_t)),
        ]
        content["tables"][f"new_{key}"] = _table(
            f"{span}各板块{label}项目完成情况",
            [
                ("板块", "text"),
                ("目标（个）", "number"),
                ("完成（个）", "int"),
                ("个数完成率（%）", "percent"),
                ("目标投资（亿元）", "yi"),
                ("总投资（亿元）", "yi"),
                ("投资完成率（%）", "percent"),
            ],
            table_rows,
            total_row,
        )
        leader = max(
            unit_list,
            key=lambda u: (
                rows[u.code][f"new.{key}.count"],
                rows[u.code][f"new.{key}.investment_wan"],
            ),
        )
        text = (
            f"{span}，各板块共{label}项目{total[f'new.{key}.count']}个、"
            f"总投资{yi_text(total[f'new.{key}.investment_wan'])}亿元"
        )
        if total[f"new.{key}.count"]:
            text += (
                f"，其中{names[leader.code]}{rows[leader.code][f'new.{key}.count']}个，居各板块首位"
            )
        blocks += [_sub(index, f"{label}项目"), _p(text + "。"), _tbl(f"new_{key}")]

    content["charts"]["new_by_unit"] = {
        "title": f"{span}各板块新签约、新开工、新竣工项目数",
        "kind": "bar",
        "unit": "个",
        "categories": chart_categories,
        "series": [
            {
                "label": f"{label}",
                "values": [str(rows[u.code][f"new.{key}.count"]) for u in unit_list],
            }
            for key, label in NEW_KINDS
        ],
    }
    blocks.append(_chart("new_by_unit"))

    cohort_rows = []
    for u in unit_list:
        row = rows[u.code]
        cohort_rows.append(
            [names[u.code], row["signed_cohort.count"]]
            + [
                value
                for key in COHORT_KINDS
                for value in (row[f"signed_cohort.{key}"], _pct(row[f"signed_cohort.{key}_rate"]))
            ]
        )
    cohort_total = ["合计", total["signed_cohort.count"]] + [
        value
        for key in COHORT_KINDS
        for value in (total[f"signed_cohort.{key}"], _pct(total[f"signed_cohort.{key}_rate"]))
    ]
    content["tables"]["cohort"] = _table(
        "当年新签约项目落地、开工、列统情况",
        [
            ("板块", "text"),
            (f"{_label('signed_cohort.count')}（个）", "int"),
            *(
                column
                for key in COHORT_KINDS
                for column in (
                    (f"{_label(f'signed_cohort.{key}')}（个）", "int"),
                    (f"{_label(f'signed_cohort.{key}_rate')}（%）", "percent"),
                )
            ),
        ],
        cohort_rows,
        cohort_total,
    )
    blocks += [
        _sub(3, "当年新签约项目落地开工情况"),
        _p(
            f"当年新签约项目{total['signed_cohort.count']}个，"
            + "、".join(
                f"{_label(f'signed_cohort.{key}')}{total[f'signed_cohort.{key}']}个"
                for key in COHORT_KINDS
            )
            + "。"
        ),
        _tbl("cohort"),
    ]

    investment_rows, chart_rates, chart_progress = [], [], []
    for u in unit_list:
        row = rows[u.code]
        chart_rates.append(_pct(row["investment.completion_rate"]) or "0")
        chart_progress.append(_pct(row["investment.time_progress"]) or "0")
        investment_rows.append(
            [
                names[u.code],
                yi_cell(row["investment.annual_plan_wan"]),
                yi_cell(row["investment.completed_wan"]),
                _pct(row["investment.completion_rate"]),
                _pct(row["investment.time_progress"]),
                _pct(row["investment.time_progress_gap"]),
            ]
        )
    progress = total["investment.time_progress"]
    content["tables"]["investment"] = _table(
        "重大项目年度投资完成情况",
        [
            ("板块", "text"),
            (f"{_label('investment.annual_plan_wan')}（亿元）", "yi"),
            (f"{_label('investment.completed_wan')}（亿元）", "yi"),
            (f"{_label('investment.completion_rate')}（%）", "percent"),
            (f"{_label('investment.time_progress')}（%）", "percent"),
            (f"{_label('investment.time_progress_gap')}（百分点）", "percent"),
        ],
        investment_rows,
        [
            "合计",
            yi_cell(total["investment.annual_plan_wan"]),
            yi_cell(total["investment.completed_wan"]),
            _pct(total["investment.completion_rate"]),
            _pct(progress),
            _pct(total["investment.time_progress_gap"]),
        ],
    )
    content["charts"]["investment_by_unit"] = {
        "title": "各板块重大项目年度投资完成率与序时进度（%）",
        "kind": "bar_line",
        "unit": "%",
        "categories": chart_categories,
        "series": [
            {"label": "投资完成率", "kind": "bar", "values": chart_rates},
            {"label": "序时进度", "kind": "line", "values": chart_progress},
        ],
    }
    ahead = [
        names[u.code]
        for u in unit_list
        if rows[u.code]["investment.time_progress_gap"] is not None
        and rows[u.code]["investment.time_progress_gap"] >= 0
    ]
    text = (
        f"{'全市' if len(unit_list) > 1 else names[unit_list[0].code]}序时进度为{_pct(progress)}%。"
    )
    if ahead:
        text += f"{'、'.join(ahead)}{'等' if len(ahead) > 1 else ''}{len(ahead)}个板块达到或快于序时进度。"
    else:
        text += "各板块均未达到序时进度。"
    blocks += [
        _sub(4, "重大项目投资完成情况"),
        _p(text),
        _tbl("investment"),
        _chart("investment_by_unit"),
    ]
    return blocks


def _attraction(content, figures: dict, unit_list, targets, scope: str, span: str) -> list:
    """招商引资情况 from the attraction figures (``attraction.selectors``): the funnel and
    its conversion rates, the signed by channel and cluster, the size classes and foreign
    capital, and each unit's signed leads against its new-signed targets."""
    funnel = {row["stage"]: row for row in figures["funnel"]}
    signed = figures["signed"]
    content["tables"]["attraction_funnel"] = _table(
        f"{span}招商线索推进情况",
        [("阶段", "text"), ("线索（条）", "int"), ("较上一阶段转化率（%）", "percent")],
        [
            [row["label"], row["count"], str(row["rate"]) if row["rate"] is not None else None]
            for row in figures["funnel"]
        ],
    )
    days = figures["days_to_sign"]
    text = (
        f"{span}，{scope}招商线索{funnel['info']['count']}条，其中进入接洽"
        f"{funnel['contact']['count']}条、洽谈{funnel['negotiating']['count']}条、签约"
        f"{funnel['signed']['count']}条，终止{figures['terminated']}条，在谈{figures['open']}条"
    )
    text += f"；签约项目从接洽到签约平均{days}天。" if days is not None else "。"
    blocks = [_sub(0, "招商线索推进"), _p(text), _tbl("attraction_funnel")]

    def by(rows, key, empty):
        return [[r[key] or empty, r["count"], yi_cell(r["amount_wan"])] for r in rows]

    total = ["合计", signed["count"], yi_cell(signed["amount_wan"])]
    content["tables"]["attraction_by_channel"] = _table(
        "线索签约项目分招商渠道情况",
        [("招商渠道", "text"), ("签约项目（个）", "int"), ("签约金额（亿元）", "yi")],
        by(figures["by_channel"], "channel__name", "未填渠道"),
        total,
    )
    content["tables"]["attraction_by_cluster"] = _table(
        "线索签约项目分产业集群情况",
        [("产业集群", "text"), ("签约项目（个）", "int"), ("签约金额（亿元）", "yi")],
        by(figures["by_cluster"], "cluster__name", "未分产业集群"),
        total,
    )
    content["tables"]["attraction_sizes"] = _table(
        "线索签约项目规模情况",
        [("规模", "text"), ("签约项目（个）", "int")],
        [
            ["亿元以上", signed["over_1yi"]],
            ["10亿元以上", signed["over_10yi"]],
            ["50亿元以上", signed["over_50yi"]],
            ["外资项目", signed["foreign"]],
        ],
    )
    blocks += [
        _sub(1, "签约项目结构"),
        _p(
            f"{span}，线索签约项目{signed['count']}个、金额{yi_text(signed['amount_wan'])}亿元，"
            f"其中亿元以上{signed['over_1yi']}个、10亿元以上{signed['over_10yi']}个、"
            f"50亿元以上{signed['over_50yi']}个；外资项目{signed['foreign']}个、"
            f"合同外资{signed['usd_wan'].normalize():f}万美元。"
        ),
        _tbl("attraction_by_channel"),
        _tbl("attraction_by_cluster"),
        _tbl("attraction_sizes"),
    ]
    done = {r["unit__code"]: r for r in figures["by_unit"]}
    rows = []
    for u in unit_list:
        row, target = done.get(u.code, {}), targets.get(u.code, {})
        count, wan = row.get("count", 0), row.get("amount_wan") or Decimal(0)
        count_target, wan_target = target.get("signed_count"), target.get("signed_investment")
        rows.append(
            [
                u.display_name,
                _count(count_target),
                count,
                _pct(ratio(count, count_target)),
                yi_cell(wan_target) if wan_target is not None else None,
                yi_cell(wan),
                _pct(ratio(wan, wan_target)),
            ]
        )
    content["tables"]["attraction_by_unit"] = _table(
        f"{span}各板块线索签约对照新签约目标情况",
        [
            ("板块", "text"),
            ("签约目标（个）", "number"),
            ("线索签约（个）", "int"),
            ("个数完成率（%）", "percent"),
            ("目标金额（亿元）", "yi"),
            ("签约金额（亿元）", "yi"),
            ("金额完成率（%）", "percent"),
        ],
        rows,
    )
    blocks += [_sub(2, "各板块对照目标"), _tbl("attraction_by_unit")]
    return blocks


def _ranking(content, ranking: list[dict], unit_list, span) -> list[dict]:
    names = {u.code: u.display_name for u in unit_list}
    ordered = sorted(ranking, key=lambda r: (r["rank"], _unit_code(r["unit"])))
    rows = [
        [
            r["rank"],
            names.get(_unit_code(r["unit"]), _unit_code(r["unit"])),
            str(r["score"]) if r["score"] is not None else None,
            rank_change_text(r.get("rank_change")),
        ]
        for r in ordered
    ]
    content["tables"]["ranking"] = _table(
        f"{span}各板块重大项目考核排名",
        [("名次", "int"), ("板块", "text"), ("得分", "decimal"), ("进位/退位", "text")],
        rows,
    )
    up = [row[1] for row, r in zip(rows, ordered, strict=True) if (r.get("rank_change") or 0) > 0]
    down = [row[1] for row, r in zip(rows, ordered, strict=True) if (r.get("rank_change") or 0) < 0]
    text = f"按考核办法，{span}综合得分居前的是{'、'.join(row[1] for row in rows[:3])}。"
    if up:
        text += f"较上期进位的有{'、'.join(up)}；"
    if down:
        text += f"退位的有{'、'.join(down)}。"
    return [_p(text.rstrip("；") + ("" if text.endswith("。") else "。")), _tbl("ranking")]


def _honour(
    content, city, unit, period, as_of, ranking, unit_list, rows, known_at=None
) -> list[dict]:
    """红黑榜: leading and lagging units (by score, else by investment completion rate; the
    rule is :mod:`ballast.bulletins.honour`) and the largest projects started against the
    most lagging ones."""
    blocks: list[dict] = []
    short = {u.code: u.display_name for u in sources.units_of(city)}
    if unit is None:
        if ranking:
            ordered = sorted(ranking, key=lambda r: (r["rank"], _unit_code(r["unit"])))
            values = [(short[_unit_code(r["unit"])], r["score"]) for r in ordered]
            basis, reason = "考核综合得分", "未参与考核评分"
        else:
            values = [
                (short[u.code], rows[u.code]["investment.completion_rate"]) for u in unit_list
            ]
            basis, reason = "年度投资完成率", "未安排年度计划投资"
        lists = honour_lists(values)
        content["honour_units"] = {"basis": basis, **lists.as_json()}
        if values:
            blocks.append(_sub(0, "先进与后进板块"))
            blocks.append(_p(honour_text(lists, basis=basis, unranked_reason=reason)))
    index = 1 if blocks else 0
    largest = sources.largest_started(
        city=city, unit=unit, period=period, as_of=as_of, known_at=known_at
    )
    content["tables"]["largest_started"] = _table(
        "红榜：开工规模最大的项目",
        [("序号", "int"), ("项目名称", "text"), ("板块", "text"), ("总投资（亿元）", "yi")],
        [
            [i, r["name"], short[r["unit__code"]], yi_cell(r["total_investment"])]
            for i, r in enumerate(largest, 1)
        ],
    )
    blocks += [
        _sub(index, "红榜项目"),
        _p(
            f"年初以来开工的重大项目中，总投资最大的{len(largest)}个项目如下。"
            if largest
            else "年初以来暂无新开工项目。"
        ),
    ]
    if largest:
        blocks.append(_tbl("largest_started"))
    lagging = sources.most_lagging(
        city=city, unit=unit, year=period.year, as_of=as_of, known_at=known_at
    )
    content["tables"]["most_lagging"] = _table(
        "黑榜：投资进度滞后的项目",
        [
            ("序号", "int"),
            ("项目名称", "text"),
            ("板块", "text"),
            ("年度计划投资（亿元）", "yi"),
            ("累计完成投资（亿元）", "yi"),
            ("完成率（%）", "percent"),
            ("慢于序时进度（百分点）", "percent"),
            ("欠序时进度投资（亿元）", "yi"),
        ],
        [
            [
                i,
                r["name"],
                short[r["unit__code"]],
                yi_cell(r["annual_plan_wan"]),
                yi_cell(r["ytd_investment_wan"]),
                _pct(r["completion_rate"]),
                percent(r["gap"]),
                yi_cell(r["shortfall_wan"]),
            ]
            for i, r in enumerate(lagging, 1)
        ],
    )
    blocks += [
        _sub(index + 1, "黑榜项目"),
        _p(
            f"年度投资完成率低于序时进度、欠序时进度投资最多的{len(lagging)}个项目如下，"
            "请所在板块督促加快推进。"
            if lagging
            else "暂无年度投资完成率低于序时进度的项目。"
        ),
    ]
    if lagging:
        blocks.append(_tbl("most_lagging"))
    return blocks


def _warnings(content, warnings: list, as_of: date, names: dict[str, str]) -> list[dict]:
    levels = Counter(w.level for w in warnings)
    by_rule: dict[str, Counter] = {}
    labels: dict[str, str] = {}
    for w in warnings:
        by_rule.setdefault(w.rule, Counter())[w.level] += 1
        labels[w.rule] = w.rule_label
    content["tables"]["warnings_by_rule"] = _table(
        "预警分类统计",
        [
            ("预警规则", "text"),
            ("红色预警（条）", "int"),
            ("黄色预警（条）", "int"),
            ("合计（条）", "int"),
        ],
        [
            [labels[rule], c.get("red", 0), c.get("yellow", 0), sum(c.values())]
            for rule, c in by_rule.items()
        ],
        ["合计", levels.get("red", 0), levels.get("yellow", 0), len(warnings)],
    )
    red = [w for w in warnings if w.level == "red"]
    content["tables"]["red_warnings"] = _table(
        "红色预警项目清单",
        [
            ("序号", "int"),
            ("项目名称", "text"),
            ("板块", "text"),
            ("预警规则", "text"),
            ("预警起始", "text"),
            ("情况说明", "text"),
            ("挂钩领导", "text"),
        ],
        [
            [
                i,
                w.project_name,
                names.get(w.unit_code, w.unit_name),
                w.rule_label,
                w.since.isoformat(),
                w.detail,
                "、".join(w.leaders),
            ]
            for i, w in enumerate(red, 1)
        ],
        docx_limit=20,
    )
    if not warnings:
        return [_p(f"截至{cn_date(as_of)}，无预警项目。")]
    blocks = [
        _p(
            f"截至{cn_date(as_of)}，共有{len({w.project_id for w in warnings})}个项目触发预警"
            f"{len(warnings)}条，其中红色预警{levels.get('red', 0)}条、"
            f"黄色预警{levels.get('yellow', 0)}条。"
        ),
        _tbl("warnings_by_rule"),
    ]
    if red:
        blocks += [_p("红色预警项目请挂钩领导和所在板块逐一研究、限期销号。"), _tbl("red_warnings")]
    return blocks


def _overruns(content, overruns: dict, as_of: date, names: dict[str, str]) -> list[dict]:
    """Projects late against their baseline (相对基线延期), by delay bucket, the new delays
    since last month-end and the cost overruns: ``overruns`` as given by
    ``sources.overruns`` (the figures' selectors)."""
    summary = overruns["summary"]
    late, cost = summary["time_overrun"], summary["cost_overrun"]
    buckets = [(label, late["buckets"][code]) for code, label in overruns["buckets"]]
    bucket_label = dict(overruns["buckets"])
    content["tables"]["overrun_buckets"] = _table(
        "相对基线延期项目（按延期区间）",
        [("延期区间", "text"), ("项目数（个）", "int")],
        [[label, n] for label, n in buckets],
        ["合计", late["count"]],
    )

    def unit_name(row):
        return names.get(row["unit__code"], row["unit__name"])

    content["tables"]["late_projects"] = _table(
        "相对基线延期项目清单",
        [
            ("序号", "int"),
            ("项目名称", "text"),
            ("板块", "text"),
            ("基线竣工日期", "text"),
            ("预计竣工日期", "text"),
            ("延期（月）", "int"),
            ("延期区间", "text"),
        ],
        [
            [
                i,
                r["name"],
                unit_name(r),
                r["baseline_completion_on"].isoformat(),
                r["forecast_completion_on"].isoformat(),
                r["time_overrun_months"],
                bucket_label[r["delay_bucket"]],
            ]
            for i, r in enumerate(overruns["late"], 1)
        ],
        docx_limit=20,
    )
    content["tables"]["new_delays"] = _table(
        "上月末以来新增延期项目",
        [
            ("序号", "int"),
            ("项目名称", "text"),
            ("板块", "text"),
            ("上月末延期（月）", "int"),
            ("现延期（月）", "int"),
            ("预计竣工日期", "text"),
        ],
        [
            [
                i,
                r["name"],
                unit_name(r),
                max(r["previous_overrun_months"] or 0, 0),
                r["time_overrun_months"],
                r["forecast_completion_on"].isoformat(),
            ]
            for i, r in enumerate(overruns["new"], 1)
        ],
    )
    if late["count"]:
        spread = "、".join(f"{label}{n}个" for label, n in buckets if n)
        text = (
            f"截至{cn_date(as_of)}，共有{late['count']}个项目预计竣工日期晚于基线竣工日期，"
            f"其中延期{spread}；上月末以来新增延期{late['new_since_last_month']}个。"
        )
    else:
        text = f"截至{cn_date(as_of)}，无相对基线延期的项目。"
    if cost["count"]:
        text += (
            f"总投资超出基线的项目{cost['count']}个，合计超出{yi_text(cost['overrun_wan'])}亿元"
            f"，为其基线总投资的{_pct(cost['rate'])}%。"
        )
    blocks = [_p(text)]
    if late["count"]:
        blocks += [_tbl("overrun_buckets"), _tbl("late_projects")]
    if overruns["new"]:
        blocks += [_p("新增延期项目请所在板块说明原因、重新排定工期。"), _tbl("new_delays")]
    return blocks


# The short name of each kind of integrity flag (``figures.integrity``), for the bulletin.
FLAG_NAMES = {
    "quarter_end_share": "季末月占比偏高",
    "quarter_end_spike": "季末月冲高",
    "amendment_rate": "更正率偏高",
    "return_rate": "退回率偏高",
    "benford": "首位数字分布异常",
    "last_digit": "末位数字分布异常",
    "projects": "项目累计投资超出进度",
}


def _integrity(content, findings: list[dict], as_of: date) -> list[dict]:
    """数据质量情况: the units whose reports carry integrity flags (each named with its
    kinds of flag), and the year's on-site checks (checked, found inflated, corrected)."""

    def kinds(row) -> str:
        seen = dict.fromkeys(FLAG_NAMES.get(f["kind"], f["kind"]) for f in row["flags"])
        return "、".join(seen)

    content["tables"]["integrity"] = _table(
        "数据质量提示（按板块）",
        [
            ("板块", "text"),
            ("提示（条）", "int"),
            ("提示内容", "text"),
            ("可疑项目（个）", "int"),
            ("现场抽查（个）", "int"),
            ("发现虚报（个）", "int"),
        ],
        [
            [
                r["unit_name"],
                len(r["flags"]),
                kinds(r) or "—",
                r["projects"],
                r["checked"],
                r["inflated"],
            ]
            for r in findings
        ],  # fmt: skip
        [
            "合计",
            sum(len(r["flags"]) for r in findings),
            "",
            sum(r["projects"] for r in findings),
            sum(r["checked"] for r in findings),
            sum(r["inflated"] for r in findings),
        ],
        note="提示是现场抽查的线索，不是结论；样本不足时数字检验不下结论。",
    )
    flagged = [r for r in findings if r["flags"]]
    if flagged:
        named = "；".join(f"{r['unit_name']}（{kinds(r)}）" for r in flagged)
        text = (
            f"截至{cn_date(as_of)}，{len(flagged)}个板块的报送数据有异常提示：{named}。"
            f"请相关板块逐项核实，市里将据此安排现场抽查。"
        )
    else:
        text = f"截至{cn_date(as_of)}，各板块报送数据未见异常提示。"
    blocks = [_p(text)]
    checked = sum(r["checked"] for r in findings)
    if checked:
        inflated = sum(r["inflated"] for r in findings)
        blocks.append(
            _p(
                f"本年已现场抽查{checked}个项目，发现虚报{inflated}个，"
                f"{'均已据抽查结果更正月报。' if inflated else '报送数据均属实。'}"
            )
        )
    if flagged or checked:
        blocks.append(_tbl("integrity"))
    return blocks


def _issues(content, issues: dict) -> list[dict]:
    """Open coordination issues by department: ``issues`` as given by
    ``coordination.selectors.issue_figures`` (``by_department``: list of
    {department, open, overdue}, and totals ``open``, ``overdue``)."""
    rows = [[r["department"], r["open"], r["overdue"]] for r in issues["by_department"]]
    content["tables"]["issues"] = _table(
        "未办结协调问题（按责任部门）",
        [("责任部门", "text"), ("未办结（个）", "int"), ("其中逾期（个）", "int")],
        rows,
        ["合计", issues["open"], issues["overdue"]],
    )
    if not issues["raised"]:
        return [_p("本期无协调问题。")]
    text = (
        f"累计提出协调问题{issues['raised']}个，已销号{issues['closed']}个；"
        f"目前未销号{issues['open']}个，其中超过办结期限{issues['overdue']}个"
    )
    if not issues["open"]:
        return [_p(text + "。")]
    return [_p(text + "，请各责任部门加快办理。"), _tbl("issues")]


def _tasks(
    content, city, unit, unit_list, coming: Period, as_of: date, known_at=None
) -> list[dict]:
    rows = sources.planned_in(city=city, unit=unit, period=coming, as_of=as_of, known_at=known_at)
    names = {u.code: u.display_name for u in unit_list}
    by_unit = {u.code: {"start": [0, Decimal(0)], "complete": [0, Decimal(0)]} for u in unit_list}
    for r in rows:
        slot = by_unit[r["unit__code"]][r["task"]]
        slot[0] += 1
        slot[1] += r["total_investment"]
    table_rows = [
        [
            names[code],
            v["start"][0],
            yi_cell(v["start"][1]),
            v["complete"][0],
            yi_cell(v["complete"][1]),
        ]
        for code, v in by_unit.items()
    ]
    starts = [r for r in rows if r["task"] == "start"]
    completes = [r for r in rows if r["task"] == "complete"]
    start_wan = sum((r["total_investment"] for r in starts), Decimal(0))
    complete_wan = sum((r["total_investment"] for r in completes), Decimal(0))
    content["tables"]["tasks_by_unit"] = _table(
        f"{coming.label}各板块重点工作任务",
        [
            ("板块", "text"),
            ("计划开工（个）", "int"),
            ("计划开工总投资（亿元）", "yi"),
            ("计划竣工（个）", "int"),
            ("计划竣工总投资（亿元）", "yi"),
        ],
        table_rows,
        ["合计", len(starts), yi_cell(start_wan), len(completes), yi_cell(complete_wan)],
    )
    content["tables"]["tasks"] = _table(
        f"{coming.label}计划开工、竣工项目清单",
        [
            ("序号", "int"),
            ("板块", "text"),
            ("项目名称", "text"),
            ("总投资（亿元）", "yi"),
            ("任务", "text"),
            ("计划月份", "int"),
        ],
        [
            [
                i,
                names.get(r["unit__code"], r["unit__name"]),
                r["name"],
                yi_cell(r["total_investment"]),
                "计划开工" if r["task"] == "start" else "计划竣工",
                r["month"],
            ]
            for i, r in enumerate(rows, 1)
        ],
        docx_limit=40,
    )
    text = (
        f"{coming.label}，计划开工项目{len(starts)}个、总投资{yi_text(start_wan)}亿元，"
        f"计划竣工项目{len(completes)}个、总投资{yi_text(complete_wan)}亿元。各板块要对照任务清单，"
        f"倒排工期、挂图作战，确保项目按期开工、竣工。"
    )
    blocks = [_p(text), _tbl("tasks_by_unit")]
    if rows:
        blocks.append(_tbl("tasks"))
    return blocks
