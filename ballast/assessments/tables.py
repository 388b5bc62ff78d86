"""The ranking (考核排名) of a scheme for a period: its columns, written once for the page
and its export (``ballast.web.tables``) — rank, unit, score, move, then each indicator's
points (one column per indicator of the scheme, added when the table is made)."""

from decimal import Decimal, InvalidOperation

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
