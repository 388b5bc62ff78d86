"""The one definition of a list's columns, for its page and its export (django-tables2).

An app's ``tables.py`` declares a :class:`Table`; the page draws it with
``{% include "web/_table.html" %}`` and ``?export=csv|xlsx`` writes the same table with
:func:`ballast.web.exports.rows_export` (BOM, escaped formulas, frozen bold header,
fitted widths, the audit trail told). A column is

* on both (the default): the page shows ``render_<name>`` (HTML: links, 亿元, tags), the
  export writes ``value_<name>(record)`` (plain text, 万元 as a Decimal, ISO dates) under
  its ``export_header`` (the header naming its unit, e.g. "总投资（万元）") or, by default,
  its ``verbose_name``;
* on the page only: ``exclude_from_export=True`` (a status tag, the buttons);
* in the export only: ``visible=False`` (the investor, the planned completion).

The page's header links sort through the list's filterset (``sort_key`` of a column:
the value of ``?sort=``), not through django-tables2's own ordering, so the page, the
export and the API order alike. Only the shell's template is used (no tables2 template,
so nothing inline under the CSP).
"""

from __future__ import annotations

from functools import lru_cache

import django_tables2 as tables
from django.template import Context, Template

from ballast.web.exports import rows_export


@lru_cache(maxsize=256)
def _compiled(template_code: str) -> Template:
    return Template(template_code)


class TemplateColumn(tables.TemplateColumn):
    """django-tables2's ``TemplateColumn`` with its ``template_code`` compiled once:
    tables2 compiles it again for every cell (on a 200-row list of three such columns,
    600 compilations — more than half of the page's time). The same context, the same
    output."""

    def render(self, record, table, value, bound_column, **kwargs):
        if not self.template_code:
            return super().render(record, table, value, bound_column, **kwargs)
        parent_context = getattr(table, "context", Context())
        context = self.get_context_data(
            record=record, table=table, value=value, bound_column=bound_column, **kwargs
        )
        with parent_context.update(context):
            parent_context["request"] = getattr(table, "request", None)
            return _compiled(self.template_code).render(parent_context)


def column(kind=tables.Column, *, export_header: str | None = None, sort_key: str = "", **kwargs):
    """A column of ``kind`` with the header its export uses and the ``?sort=`` value its
    page header links to. (A ``tables.TemplateColumn`` is made a :class:`TemplateColumn`,
    its code compiled once.)"""
    if kind is tables.TemplateColumn:
        kind = TemplateColumn
    made = kind(**kwargs)
    made.export_header = export_header
    made.sort_key = sort_key
    return made


class Table(tables.Table):
    """The base of every list's table: drawn by ``web/_table.html``, exported by
    :meth:`export`."""

    class Meta:
        orderable = False  # sorting is the filterset's (``sort_key``)
        template_name = "web/_table.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What a TemplateColumn's code sees besides ``record``: the table (its options,
        # e.g. the month of the list or the CSRF token of its buttons).
        self.context = Context({"table": self})

    def export_columns(self):
        return [c for c in self.columns.iterall() if not c.column.exclude_from_export]

    def export_headers(self) -> list[str]:
        return [
            str(getattr(c.column, "export_header", None) or c.header) for c in self.export_columns()
        ]

    def export_rows(self):
        """The cells of every row: ``value_<name>(record)`` where the table has one (it
        decides blanks too), else the column's value (None when empty)."""
        columns = self.export_columns()
        getters = [getattr(self, f"value_{c.name}", None) for c in columns]
        for row in self.rows:
            yield [
                get(record=row.record) if get is not None else row.get_cell_value(c.name)
                for c, get in zip(columns, getters, strict=True)
            ]

    def export(self, kind: str, filename: str, title: str):
        """The table as a CSV or xlsx download (``kind``)."""
        return rows_export(kind, self.export_headers(), self.export_rows(), filename, title)
