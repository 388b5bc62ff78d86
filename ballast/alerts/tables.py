"""The warnings list (预警清单): its columns, written once for the page and its export
(``ballast.web.tables``). Rows are the warnings of ``alerts.selectors.warnings_as_of``."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.web.pages import iso
from ballast.web.tables import Table, column
from ballast.web.templatetags.web_tags import day, wan

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


# --------------------------------------------------------------------------- overruns

# The delay buckets of ``figures.selectors.DELAY_BUCKETS``, by code, as the pages write them.
DELAY_BUCKET_LABELS = {
    "1-12": _("1–12个月"),
    "13-24": _("13–24个月"),
    "25-60": _("25–60个月"),
    "60+": _("60个月以上"),
}


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


class OverrunTable(Table):
    """Projects late against their baseline (``figures.selectors.late_projects``), a row
    per project with its delay and cost overrun as recorded on the as-of date."""

    project_code = column(verbose_name="项目代码", visible=False)
    name = column(verbose_name=_("项目"), export_header="项目名称")
    unit_name = column(verbose_name=_("板块"), export_header="板块", accessor="unit")
    delay_bucket = column(verbose_name=_("延期区间"), export_header="延期区间", empty_values=())
    baseline_completion_on = column(verbose_name=_("基线竣工"), export_header="基线竣工日期")
    forecast_completion_on = column(verbose_name=_("预计竣工"), export_header="预计竣工日期")
    time_overrun_months = column(verbose_name=_("延期（月）"), export_header="延期（月）")
    baseline_total_wan = column(
        verbose_name=_("基线总投资（万元）"), export_header="基线总投资（万元）"
    )
    forecast_total_wan = column(
        verbose_name=_("当前总投资（万元）"), export_header="当前总投资（万元）"
    )
    cost_overrun_wan = column(
        verbose_name=_("投资超支（万元）"), export_header="投资超支（万元）", empty_values=()
    )
    cost_overrun_rate = column(
        verbose_name=_("超支比例"), export_header="超支比例", empty_values=()
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "overrun-table"}
        empty_text = _("没有相对基线延期的项目。")

    def render_name(self, record):
        url = reverse("projects:project_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.name)

    def render_unit_name(self, record):
        return record.unit.display_name

    def render_delay_bucket(self, record):
        return format_html(
            '<span class="bucket bucket-{}">{}</span>',
            record.delay_bucket.replace("+", "p"),
            DELAY_BUCKET_LABELS[record.delay_bucket],
        )

    def render_baseline_completion_on(self, value):
        return day(value)

    def render_forecast_completion_on(self, value):
        return day(value)

    def render_baseline_total_wan(self, value):
        return wan(value)

    def render_forecast_total_wan(self, value):
        return wan(value)

    def render_cost_overrun_wan(self, record):
        return wan(record.cost_overrun_wan)

    def render_cost_overrun_rate(self, record):
        return _percent(record.cost_overrun_rate)

    def value_project_code(self, record):
        return record.code or ""

    def value_name(self, record):
        return record.name

    def value_unit_name(self, record):
        return record.unit.display_name

    def value_delay_bucket(self, record):
        return str(DELAY_BUCKET_LABELS[record.delay_bucket])

    def value_baseline_completion_on(self, record):
        return iso(record.baseline_completion_on)

    def value_forecast_completion_on(self, record):
        return iso(record.forecast_completion_on)

    def value_baseline_total_wan(self, record):
        return record.baseline_total_wan

    def value_forecast_total_wan(self, record):
        return record.forecast_total_wan

    def value_cost_overrun_wan(self, record):
        return record.cost_overrun_wan

    def value_cost_overrun_rate(self, record):
        return _percent(record.cost_overrun_rate)


class NewDelayTable(OverrunTable):
    """The projects delayed anew since the end of last month (``figures.selectors.new_delays``):
    late now, and on time — or less late — at the previous month-end."""

    previous_overrun_months = column(
        verbose_name=_("上月末延期（月）"), export_header="上月末延期（月）", empty_values=()
    )

    class Meta(OverrunTable.Meta):
        attrs = {"class": "grid", "id": "new-delay-table"}
        empty_text = _("上月末以来没有新增延期的项目。")
        sequence = (
            "project_code",
            "name",
            "unit_name",
            "delay_bucket",
            "baseline_completion_on",
            "forecast_completion_on",
            "previous_overrun_months",
            "time_overrun_months",
            "...",
        )

    def render_previous_overrun_months(self, record):
        return _previous(record)

    def value_previous_overrun_months(self, record):
        return _previous(record)


def _previous(record) -> str:
    """Last month-end's delay in months; on time (0 or earlier) reads 按期."""
    months = record.previous_overrun_months
    if months is None or months < 1:
        return gettext("按期")
    return str(months)
