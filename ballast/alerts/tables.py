"""The warnings list (预警清单): its columns, written once for the page and its export
(``ballast.web.tables``). Rows are the warnings of ``alerts.selectors.warnings_as_of``."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.web.tables import Table, column
from ballast.web.templatetags.web_tags import day

SMALL = {"td": {"class": "small"}}


class WarningTable(Table):
    level = column(verbose_name=_("等级"), exclude_from_export=True, empty_values=())
    project_code = column(verbose_name="项目代码", visible=False)
    project_name = column(verbose_name=_("项目"), export_header="项目名称")
    unit_name = column(verbose_name=_("板块"), export_header="板块")
    rule = column(verbose_name=_("规则"), exclude_from_export=True, empty_values=())
    leaders_export = column(verbose_name="挂钩领导", visible=False)
    rule_label = column(verbose_name="预警规则", visible=False)
    level_label = column(verbose_name="预警等级", visible=False)
    since = column(verbose_name=_("起始"), export_header="起始日期")
    detail = column(verbose_name=_("说明"), export_header="说明", attrs=SMALL)
    leaders = column(
        tables.Column,
        verbose_name=_("挂钩领导"),
        exclude_from_export=True,
        empty_values=(),
        attrs=SMALL,
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "warning-table"}
        empty_text = _("没有符合条件的预警。")

    # ------------------------------------------------------------------ the page

    def render_level(self, record):
        return format_html(
            '<span class="lv lv-{}-tag">{}</span>', record.level, gettext(record.level_label)
        )

    def render_project_name(self, record):
        url = reverse("projects:project_detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, record.project_name)

    def render_rule(self, record):
        return gettext(record.rule_label)

    def render_since(self, value):
        return day(value)

    def render_leaders(self, record):
        return "、".join(record.leaders)

    # ---------------------------------------------------------------- the export

    def value_project_code(self, record):
        return record.project_code or ""

    def value_project_name(self, record):
        return record.project_name

    def value_unit_name(self, record):
        return record.unit_name

    def value_leaders_export(self, record):
        return "、".join(record.leaders)

    def value_rule_label(self, record):
        return record.rule_label

    def value_level_label(self, record):
        return record.level_label

    def value_since(self, record):
        return record.since.isoformat()

    def value_detail(self, record):
        return record.detail
