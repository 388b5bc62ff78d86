"""The differences with the statistics bureau's 入库 list, one table for the page and its
export (``ballast.web.tables``); rows are those of ``imports.bureau.bureau_differences``."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ballast.web.tables import Table, column


def _text(value) -> str:
    return "" if value is None else str(value)


class BureauDiffTable(Table):
    kind_label = column(verbose_name=_("差异"), export_header="差异")
    row = column(verbose_name=_("清单行号"), empty_values=())
    bureau_name = column(verbose_name=_("清单项目名称"), empty_values=())
    bureau_code = column(verbose_name=_("清单项目代码"), empty_values=())
    project_name = column(verbose_name=_("Ballast项目"), empty_values=())
    unit_name = column(verbose_name=_("板块"), empty_values=())
    bureau_date = column(verbose_name=_("清单入库日期"), empty_values=())
    ballast_date = column(verbose_name=_("Ballast列统日期"), empty_values=())
    bureau_amount = column(verbose_name=_("清单累计投资（万元）"), empty_values=())
    ballast_amount = column(verbose_name=_("Ballast累计投资（万元）"), empty_values=())
    note = column(verbose_name=_("说明"), empty_values=())

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "bureau-diff-table"}
        empty_text = _("没有差异。")

    def value_kind_label(self, record):
        return record["kind_label"]

    def value_row(self, record):
        return _text(record["row"])

    def value_bureau_name(self, record):
        return record["bureau_name"]

    def value_bureau_code(self, record):
        return record["bureau_code"]

    def value_project_name(self, record):
        return record["project_name"]

    def value_unit_name(self, record):
        return record["unit_name"]

    def value_bureau_date(self, record):
        return _text(record["bureau_date"])

    def value_ballast_date(self, record):
        return _text(record["ballast_date"])

    def value_bureau_amount(self, record):
        return _text(record["bureau_amount"])

    def value_ballast_amount(self, record):
        return _text(record["ballast_amount"])

    def value_note(self, record):
        return record["note"]

    render_kind_label = value_kind_label
    render_row = value_row
    render_bureau_name = value_bureau_name
    render_bureau_code = value_bureau_code
    render_unit_name = value_unit_name
    render_bureau_date = value_bureau_date
    render_ballast_date = value_ballast_date
    render_bureau_amount = value_bureau_amount
    render_ballast_amount = value_ballast_amount
    render_note = value_note

    def render_project_name(self, record):
        if not record["project"]:
            return ""
        url = reverse("projects:project_detail", args=[record["project"]])
        return format_html('<a href="{}">{}</a>', url, record["project_name"])
