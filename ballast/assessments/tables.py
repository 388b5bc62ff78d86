"""The ranking (考核排名) of a scheme for a period: its columns, written once for the page
and its export (``ballast.web.tables``) — rank, unit, score, move, then each indicator's
points (one column per indicator of the scheme, added when the table is made)."""

from decimal import Decimal, InvalidOperation

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.assessments.choices import EfficiencyIndicator
from ballast.web.tables import Table, column

NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def number(value):
    """A score as a Decimal for the spreadsheet; blanks stay blank."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def _cell(row, key):
    return (row.get("indicators") or {}).get(key)


def _found(cell, name):
    return cell.get(name) if isinstance(cell, dict) else getattr(cell, name, None)


def points(row, key):
    cell = _cell(row, key)
    if cell is None:
        return None
    return number(_found(cell, "points"))


def move(row) -> str:
    if row.get("move") == "up":
        return f"进{row['move_abs']}"
    if row.get("move") == "down":
        return f"退{row['move_abs']}"
    return ""


class IndicatorColumn(tables.Column):
    """One indicator's points (its raw value in the cell's title on the page)."""

    def __init__(self, indicator):
        self.key = indicator.key
        label = indicator.label or indicator.key
        weight = f"{indicator.weight.normalize():f}"
        super().__init__(
            verbose_name=format_html(
                '{}<br><small class="muted">{} {}</small>', label, gettext("权重"), weight
            ),
            empty_values=(),
            attrs={
                "th": {"class": "num", "title": indicator.key},
                "td": {"class": "num", "title": lambda record: self.title(record)},
            },
        )
        self.export_header = f"{label}（分，权重{weight}）"
        self.sort_key = ""

    def title(self, record):
        cell = _cell(record, self.key)
        if not cell:
            return ""
        value = _found(cell, "value")
        return f"{gettext('数值')} {value or '—'}"  # as the page always showed: 0 as —

    def render(self, record):
        cell = _cell(record, self.key)
        found = _found(cell, "points") if cell else None
        return found or "—"

    def value(self, record):
        return points(record, self.key)


MOVE = (
    '{% load i18n %}{% if record.move == "up" %}<span class="up">▲ {% translate "进" %}'
    '{{ record.move_abs }}</span>{% elif record.move == "down" %}<span class="down">▼ '
    '{% translate "退" %}{{ record.move_abs }}</span>{% else %}<span class="muted">—</span>'
    "{% endif %}"
)


class RankingTable(Table):
    rank = column(verbose_name=_("名次"), export_header="名次")
    unit_name = column(verbose_name=_("板块"), export_header="板块")
    score = column(verbose_name=_("总分"), export_header="总分（分）", attrs=NUM)
    move = column(
        tables.TemplateColumn,
        template_code=MOVE,
        empty_values=(),
        verbose_name=_("进位/退位"),
        export_header="进位/退位",
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid rank-table", "id": "rank-table"}
        row_attrs = {"class": lambda record: "mine" if record.get("is_highlight") else None}

    def __init__(self, rows, *, indicators=(), **kwargs):
        extra = [(f"indicator_{i}", IndicatorColumn(ind)) for i, ind in enumerate(indicators)]
        super().__init__(rows, extra_columns=extra, **kwargs)

    def render_score(self, value):
        return format_html("<b>{}</b>", value)

    def value_rank(self, record):
        return record.get("rank")

    def value_unit_name(self, record):
        return record.get("unit_name")

    def value_score(self, record):
        return number(record.get("score"))

    def value_move(self, record):
        return move(record)


# --- 亩均论英雄 ----------------------------------------------------------------------------

# The indicators of ``choices.EfficiencyIndicator`` as the page writes them.
MUJUN_INDICATOR_LABELS = {
    "tax_per_mu": _("亩均税收（万元/亩）"),
    "sales_per_mu": _("亩均销售（万元/亩）"),
    "value_added_per_mu": _("亩均增加值（万元/亩）"),
    "value_added_per_energy": _("单位能耗增加值（万元/吨标煤）"),
    "value_added_per_emission": _("单位排放增加值（万元/吨）"),
    "labour_productivity": _("全员劳动生产率（万元/人）"),
    "rd_share": _("研发经费占比"),
}
MUJUN_CLASS_LABELS = {
    "A": _("A类（优先发展）"),
    "B": _("B类（鼓励提升）"),
    "C": _("C类（帮扶转型）"),
    "D": _("D类（倒逼整治）"),
}
MUJUN_FLAGS = {
    "在建未投产，参评不分类": _("在建未投产，参评不分类"),
    "已终止，参评不分类": _("已终止，参评不分类"),
}


class MujunValueColumn(tables.Column):
    """One indicator of a 亩均 scheme: its value (the points and ratio in the cell's title
    on the page; the export has a points column of its own)."""

    def __init__(self, item, *, part: str):
        self.key, self.part = item["key"], part
        label = MUJUN_INDICATOR_LABELS[self.key]
        weight = f"{Decimal(str(item['weight'])).normalize():f}"
        if part == "value":
            header, self.export_header = label, str(EfficiencyIndicatorLabel(self.key))
        else:
            header = format_html(
                '{}<br><small class="muted">{} {}</small>', gettext("得分"), gettext("权重"), weight
            )
            self.export_header = f"{EfficiencyIndicatorLabel(self.key)}得分（权重{weight}）"
        super().__init__(verbose_name=header, empty_values=(), attrs=NUM)
        self.sort_key = ""

    def render(self, record):
        return record["indicators"][self.key][self.part] or "—"

    def value(self, record):
        found = record["indicators"][self.key][self.part]
        if self.part == "value":
            # four places, exact (the exports write Decimals with two)
            return found or ""
        return number(found)


def EfficiencyIndicatorLabel(key: str) -> str:  # noqa: N802 - reads as the choice's label
    """The Chinese label of a 亩均 indicator (the export's header, always in Chinese)."""
    return str(EfficiencyIndicator(key).label)


class MujunTable(Table):
    """亩均评价 of a year: a row per project (``assessments.mujun.mujun_evaluation``, with
    the unit's name and the enterprise added by the page): rank, class, project,
    enterprise, unit, land, each indicator's value and points, score, flag."""

    rank = column(verbose_name=_("名次"), export_header="名次", attrs=NUM)
    klass = column(verbose_name=_("分类"), export_header="分类", accessor="class", empty_values=())
    project_code = column(verbose_name="项目代码", visible=False)
    project = column(verbose_name=_("项目"), export_header="项目名称")
    investor = column(verbose_name=_("企业"), export_header="企业（投资主体）")
    unit_name = column(verbose_name=_("板块"), export_header="板块")
    land_mu = column(verbose_name=_("用地（亩）"), export_header="用地（亩）", attrs=NUM)
    score = column(verbose_name=_("总分"), export_header="总分（分）", attrs=NUM)
    flag = column(verbose_name=_("说明"), export_header="说明", empty_values=())

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "mujun-table"}
        empty_text = _("该年度没有亩均数据。")
        sequence = (
            "rank",
            "klass",
            "project_code",
            "project",
            "investor",
            "unit_name",
            "land_mu",
            "...",
            "score",
            "flag",
        )

    def __init__(self, rows, *, indicators=(), **kwargs):
        extra = []
        for item in indicators:
            extra.append((f"v_{item['key']}", MujunValueColumn(item, part="value")))
            extra.append((f"p_{item['key']}", MujunValueColumn(item, part="points")))
        super().__init__(rows, extra_columns=extra, **kwargs)

    def render_rank(self, record):
        return record["rank"] or "—"

    def render_klass(self, record):
        cls = record["class"]
        if not cls:
            return "—"
        return format_html(
            '<span class="mujun-class mujun-{}" title="{}">{}</span>',
            cls.lower(),
            MUJUN_CLASS_LABELS[cls],
            cls,
        )

    def render_project(self, record):
        url = reverse("projects:project_detail", args=[record["project_id"]])
        return format_html('<a href="{}">{}</a>', url, record["project"])

    def render_score(self, record):
        return format_html("<b>{}</b>", record["score"])

    def render_flag(self, record):
        return MUJUN_FLAGS.get(record["flag"], record["flag"]) or ""

    def value_rank(self, record):
        return record["rank"]

    def value_klass(self, record):
        return record["class"] or ""

    def value_project_code(self, record):
        return record["project_code"] or ""

    def value_project(self, record):
        return record["project"]

    def value_investor(self, record):
        return record["investor"]

    def value_unit_name(self, record):
        return record["unit_name"]

    def value_land_mu(self, record):
        return number(record["land_mu"])

    def value_score(self, record):
        return number(record["score"])

    def value_flag(self, record):
        return record["flag"]
