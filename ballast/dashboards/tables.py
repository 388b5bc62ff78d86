"""The dashboards' lists, for their pages and exports (``ballast.web.tables``): the unit
targets with the actual figures beside them, and the linked leaders."""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.figures.selectors import money
from ballast.projects.choices import TargetIndicator
from ballast.web.tables import Table, column
from ballast.web.templatetags.web_tags import wan

NOWRAP = {"td": {"class": "nowrap"}}
RIGHT = {"th": {"class": "r"}, "td": {"class": "r nowrap"}}


def _shown(value, kind: str) -> str:
    """A target or figure on the page: a count as it is, 万元 with separators, a rate in %."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{Decimal(value) * 100:.1f}%"
    if kind == "money":
        return wan(value)
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral() else f"{value.normalize():,}"


def _exported(value, kind: str):
    """The same in an export cell: Decimals (万元, counts, rates as fractions), blank."""
    if value is None:
        return ""
    if kind == "money":
        return money(value)  # the figures' own precision: two places, half up
    value = Decimal(value)
    if kind == "count" and value == value.to_integral():
        return int(value)
    return value


class TargetTable(Table):
    """板块目标与完成: each target of a unit, its actual figure and share reached."""

    unit = column(verbose_name=_("板块"), export_header="板块", empty_values=(), attrs=NOWRAP)
    period = column(verbose_name=_("期间"), export_header="期间", empty_values=(), attrs=NOWRAP)
    indicator = column(verbose_name=_("指标"), export_header="指标", empty_values=())
    value = column(verbose_name=_("目标值"), export_header="目标值", empty_values=(), attrs=RIGHT)
    actual = column(verbose_name=_("实际完成"), export_header="实际完成", empty_values=(),
                    attrs=RIGHT)  # fmt: skip
    completion = column(
        verbose_name=_("完成率"), export_header="完成率", empty_values=(), attrs=RIGHT
    )
    as_of = column(verbose_name=_("统计截至"), export_header="统计截至", empty_values=(),
                   attrs=NOWRAP)  # fmt: skip
    edit = column(verbose_name="", empty_values=(), exclude_from_export=True, attrs=NOWRAP)

    class Meta(Table.Meta):
        attrs = {"class": "grid targets"}
        empty_text = _("没有符合条件的目标。")

    def __init__(self, *args, may_edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_edit:
            self.columns.hide("edit")

    # ------------------------------------------------------------------ the page

    def render_unit(self, record):
        return record.target.unit.display_name

    def render_period(self, record):
        return record.target.period

    def render_indicator(self, record):
        return gettext(record.target.get_indicator_display())

    def render_value(self, record):
        return _shown(record.target.value, record.kind)

    def render_actual(self, record):
        if record.as_of is None:
            return format_html('<span class="muted">{}</span>', gettext("未开始"))
        return _shown(record.actual, record.kind)

    def render_completion(self, record):
        if record.completion is None:
            return "—"
        return f"{record.completion * 100:.1f}%"

    def render_as_of(self, record):
        return record.as_of.isoformat() if record.as_of else "—"

    def render_edit(self, record):
        url = reverse("projects:target_edit", args=[record.target.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("修改"))

    # ---------------------------------------------------------------- the export

    def value_unit(self, record):
        return record.target.unit.display_name

    def value_period(self, record):
        return record.target.period

    def value_indicator(self, record):
        return TargetIndicator(record.target.indicator).label

    def value_value(self, record):
        return _exported(record.target.value, record.kind)

    def value_actual(self, record):
        return _exported(record.actual, record.kind)

    def value_completion(self, record):
        return record.completion if record.completion is not None else ""

    def value_as_of(self, record):
        return record.as_of.isoformat() if record.as_of else ""


class LeaderTable(Table):
    """挂钩领导: each leader of the area, where they sit and how many of their linked
    projects the person may see."""

    full_name = column(verbose_name=_("领导"), export_header="领导", empty_values=())
    region = column(verbose_name=_("所在"), export_header="所在", empty_values=())
    n = column(verbose_name=_("挂钩项目"), export_header="挂钩项目数", attrs=RIGHT)

    class Meta(Table.Meta):
        attrs = {"class": "grid"}
        empty_text = _("暂无挂钩领导。")

    def render_full_name(self, record):
        url = reverse("dashboards:leader", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.full_name or record.username)

    def render_region(self, record):
        return record.region.display_name if record.region else "—"

    def value_full_name(self, record):
        return record.full_name or record.username

    def value_region(self, record):
        return record.region.display_name if record.region else ""
