"""The round bulletin (攻坚通报) of an attraction campaign round: its content composed
from the round's ranking (``attraction.selectors.round_ranking``, scored by the campaign's
assessment scheme) in the same plain-data form as the quarterly bulletins
(:mod:`ballast.bulletins.selectors`), so the same Word and Excel writers render it and a
published one is frozen the same way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ballast.assessments.scoring import plain
from ballast.attraction.selectors import campaign_scheme, round_ranking
from ballast.bulletins.choices import Kind
from ballast.bulletins.selectors import (
    CONTENT_VERSION,
    SECTION_NUMBERS,
    BulletinContent,
    _p,
    _table,
    _tbl,
)
from ballast.bulletins.wording import cn_date, rank_change_text, yi_text

MONEY_KEYS = {"signed_amount_wan"}  # 万元, written as 亿元; 外资 stays 万美元


def _amount(key: str, value: Decimal) -> str:
    return yi_text(value) if key in MONEY_KEYS else (plain(Decimal(value)) or "0")


def _unit_label(key: str, label: str) -> str:
    if key in MONEY_KEYS:
        return f"{label.split('（')[0]}（亿元）"
    return label


def round_bulletin_content(*, rnd, as_of: date) -> BulletinContent:
    """Compose the bulletin of campaign round ``rnd`` (its ranking as of ``as_of``):
    总体情况 (what the units did, the first three), 排名情况 (score, rank, 进位/退位),
    目标完成情况 (each unit's actual against its target per indicator of the scheme),
    下步要求."""
    campaign = rnd.campaign
    city = campaign.city
    scheme = campaign_scheme(campaign)
    ranking = round_ranking(rnd)
    label = f"{campaign.name}第{rnd.number}轮"
    span = f"{cn_date(rnd.start)}至{cn_date(rnd.end)}"
    content: BulletinContent = {
        "version": CONTENT_VERSION,
        "city": {"code": city.code, "name": city.name},
        "unit": None,
        "round": {"id": rnd.pk, "campaign": campaign.name, "number": rnd.number},
        "period": str(rnd.end.year),
        "period_label": label,
        "span": span,
        "kind": Kind.ROUND.value,
        "year": rnd.end.year,
        "as_of": as_of.isoformat(),
        "header": f"{city.name}{campaign.get_kind_display()}工作通报",
        "issuer": f"{city.name}重大项目建设工作领导小组办公室",
        "date_text": cn_date(as_of),
        "title": f"关于{label}考核情况的通报",
        "scheme": scheme.name,
        "available": {"assessment": bool(ranking)},
        "totals": {},
        "sections": [],
        "tables": {},
        "charts": {},
    }
    names = {r["unit"].code: r["unit"].display_name for r in ranking}
    totals: dict[str, Decimal] = {}
    for row in ranking:
        for item in row["indicators"]:
            totals[item["key"]] = totals.get(item["key"], Decimal(0)) + item["actual"]
    content["totals"] = {k: str(v) for k, v in totals.items()}

    overview = [
        _p(
            f"为推动{campaign.name}各项目标落实，按照{scheme.name}，现将{label}"
            f"（{span}）各板块考核情况通报如下（数据截至{cn_date(as_of)}）。"
        )
    ]
    if ranking:
        done = "、".join(
            f"{spec.label.split('（')[0]}{_amount(spec.key, totals.get(spec.key, Decimal(0)))}"
            f"{'亿元' if spec.key in MONEY_KEYS else ''}"
            for spec in scheme.indicators
        )
        first = "、".join(f"{names[r['unit'].code]}（{r['score']}分）" for r in ranking[:3])
        overview.append(_p(f"本轮各板块共完成{done}。综合得分居前的是{first}。"))
    else:
        overview.append(_p("本轮尚未下达各板块目标，暂不排名。"))

    content["tables"]["round_ranking"] = _table(
        f"{label}各板块综合排名",
        [("名次", "int"), ("板块", "text"), ("得分", "decimal"), ("进位/退位", "text")],
        [
            [r["rank"], names[r["unit"].code], str(r["score"]), rank_change_text(r["moved"])]
            for r in ranking
        ],
    )
    up = [names[r["unit"].code] for r in ranking if (r["moved"] or 0) > 0]
    down = [names[r["unit"].code] for r in ranking if (r["moved"] or 0) < 0]
    moves = []
    if up:
        moves.append(f"较上一轮进位的有{'、'.join(up)}")
    if down:
        moves.append(f"退位的有{'、'.join(down)}")
    ranking_blocks = [_p("；".join(moves) + "。")] if moves else []
    ranking_blocks.append(_tbl("round_ranking"))

    content["tables"]["round_targets"] = _table(
        f"{label}各板块目标完成情况（完成/目标）",
        [("板块", "text")]
        + [(_unit_label(spec.key, spec.label), "text") for spec in scheme.indicators],
        [
            [names[r["unit"].code]]
            + [
                f"{_amount(i['key'], i['actual'])}/{_amount(i['key'], i['target'])}"
                if i["target"]
                else f"{_amount(i['key'], i['actual'])}/—"
                for i in r["indicators"]
            ]
            for r in ranking
        ],
        note="注：得分按各项完成比例（封顶）乘以权重合计；未下达目标的指标不计分。",
    )
    behind = [
        names[r["unit"].code]
        for r in ranking
        if any(i["target"] and i["actual"] < i["target"] for i in r["indicators"])
    ]
    target_blocks = [_tbl("round_targets")]
    if behind:
        target_blocks.insert(
            0, _p(f"{'、'.join(behind)}仍有指标未完成本轮目标，请对照目标查找差距、加快推进。")
        )
    tasks = [
        _p(
            "各板块要坚持“大招商、招大商”，对照目标逐项查漏补缺，加快在谈项目签约、"
            "签约项目落地开工；排名靠后、退位的板块要认真分析原因，拿出针对性措施，"
            "确保下一轮进位争先。"
        )
    ]
    sections = [
        {"heading": "总体情况", "blocks": overview},
        {"heading": "排名情况", "blocks": ranking_blocks},
        {"heading": "目标完成情况", "blocks": target_blocks},
        {"heading": "下步要求", "blocks": tasks},
    ]
    for index, section in enumerate(sections):
        section["heading"] = f"{SECTION_NUMBERS[index]}、{section['heading']}"
    content["sections"] = sections
    return content
