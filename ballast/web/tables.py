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
from django_tables2.rows import BoundPinnedRow, BoundRow, BoundRows
from django_tables2.utils import signature

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


def _call(bound_column, kind: str, fn, kwargs):
    """``fn`` (the column's ``render`` or ``value``) called with the cell arguments it
    takes, as tables2's ``call_with_appropriate`` does, its signature read once per
    column: tables2 reads it again for every cell (a fifth of a long list's drawing)."""
    known = bound_column.__dict__.setdefault("_ballast_signatures", {})
    if kind not in known:
        known[kind] = signature(fn)
    args, catch_all = known[kind]
    if not catch_all:
        if any(arg not in kwargs for arg in args):
            return None
        kwargs = {arg: kwargs[arg] for arg in args}
    return fn(**kwargs)


def _static_td(bound_column) -> bool:
    """Whether a column's <td> attributes are the same for every cell (no callables)."""
    attrs = {**bound_column._table.attrs, **bound_column.column.attrs}
    td = attrs.get("td", attrs.get("cell", {}))
    return not any(callable(v) or isinstance(v, dict) for v in td.values())


class _Row(BoundRow):
    """tables2's row, its cells' methods called through :func:`_call`: the same
    arguments, the same output."""

    def _call_render(self, bound_column, value=None):
        render_kwargs = self._optional_cell_arguments(bound_column, value)
        content = _call(bound_column, "render", bound_column.render, render_kwargs)
        return bound_column.link(content, **render_kwargs) if bound_column.link else content

    def _call_value(self, bound_column, value=None):
        kwargs = self._optional_cell_arguments(bound_column, value)
        return _call(bound_column, "value", bound_column.value, kwargs)

    def tds(self):
        """``(cell, the attributes of its <td>)`` of every column, as ``items()`` and
        ``column.attrs.td`` give them; a column's attributes are made once when nothing
        in them depends on the cell (tables2 makes them again for every cell)."""
        for column in list(self.table.columns):  # as items(), without a look-up by name a cell
            cell = self._get_and_render_with(
                column, render_func=self._call_render, default=column.default
            )
            column.current_value, column.current_record = cell, self.record
            td = column.__dict__.get("_ballast_td")
            if td is None:
                td = column.attrs["td"].as_html()
                if _static_td(column):
                    column._ballast_td = td
            yield cell, td


class _PinnedRow(BoundPinnedRow, _Row):
    """tables2's pinned row, drawn as :class:`_Row` is."""


class _Rows(BoundRows):
    """tables2's rows, each a :class:`_Row`."""

    def generator_pinned_row(self, data):
        for row in super().generator_pinned_row(data):
            yield _PinnedRow(row.record, table=self.table)

    def __iter__(self):
        yield from self.generator_pinned_row(self.pinned_data.get("top"))
        for record in self.data:
            yield _Row(record, table=self.table)
        yield from self.generator_pinned_row(self.pinned_data.get("bottom"))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _Rows(data=self.data[key], table=self.table, pinned_data=self.pinned_data)
        return _Row(record=self.data[key], table=self.table)


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
        self.rows = _Rows(data=self.data, table=self, pinned_data=self.pinned_data)
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
