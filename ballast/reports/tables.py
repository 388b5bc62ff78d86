"""The report lists: a unit's month (月度填报) and the review queues (板块审核, 市级验收) —
their columns written once for the page and its export (``ballast.web.tables``)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ballast.web.tables import Table, TemplateColumn, column
from ballast.web.templatetags.web_tags import pct, wan

NOWRAP = {"td": {"class": "nowrap"}}
RIGHT = {"th": {"class": "r"}, "td": {"class": "r"}}

MONTH_STATUS = (
    '{% load i18n %}{% if record.report_status %}<span class="tag tag-{{ record.report_status }}">'
    '{% translate record.status_label %}</span>{% else %}<span class="muted">—</span>{% endif %}'
)
MONTH_PENDING = (
    '{% load i18n %}{% if record.missing %}<span class="need">{{ record.missing }}</span>'
    '{% if record.report_return_reason %}<div class="small muted">{% translate "退回原因" %}：'
    "{{ record.report_return_reason }}</div>{% endif %}{% else %}"
    '<span class="ok">✓</span>{% endif %}'
)
MONTH_OPEN = (
    "{% load i18n %}"
    '{% if record.report_status and record.report_status != "draft" %}'
    '<a href="{% url \'reports:report_detail\' record.report_id %}">{% translate "查看" %}</a>'
    '{% elif table.may_add %}<a class="btn small primary" '
    "href=\"{% url 'reports:report_entry' record.pk table.month|date:'Y-m' %}\">"
    '{% if record.report_status %}{% translate "继续填报" %}{% else %}{% translate "填报" %}'
    "{% endif %}</a>{% elif record.report_id %}"
    '<a href="{% url \'reports:report_detail\' record.report_id %}">{% translate "查看" %}</a>'
    "{% endif %}"
)


class MonthTable(Table):
    """Every project of the person's scope due for the month, with its report's state."""

    code = column(verbose_name="项目代码", visible=False)
    name = column(verbose_name=_("项目"), export_header="项目名称")
    unit = column(verbose_name=_("板块"), export_header="板块", attrs=NOWRAP)
    total_investment = column(verbose_name="总投资（万元）", visible=False)
    report_investment = column(
        verbose_name=_("当月完成（万元）"), export_header="当月完成投资（万元）", attrs=RIGHT
    )
    status = column(
        tables.TemplateColumn,
        template_code=MONTH_STATUS,
        empty_values=(),
        verbose_name=_("状态"),
        export_header="填报状态",
        attrs=NOWRAP,
    )
    missing = column(
        tables.TemplateColumn,
        template_code=MONTH_PENDING,
        empty_values=(),
        verbose_name=_("待办"),
        export_header="待办",
    )
    return_reason = column(verbose_name="退回原因", visible=False)
    open = column(
        tables.TemplateColumn,
        template_code=MONTH_OPEN,
        empty_values=(),
        verbose_name="",
        exclude_from_export=True,
        attrs=NOWRAP,
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid"}
        row_attrs = {"class": lambda record: "todo" if record.missing else None}
        empty_text = _("本月没有需要填报的项目（已开工、未竣工、未停缓建的项目须按月填报）。")

    def __init__(self, *args, month=None, may_add=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.month = month
        self.may_add = may_add

    def render_name(self, record):
        url = reverse("projects:project_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.name)

    def render_unit(self, record):
        return record.unit.display_name

    def render_report_investment(self, value):
        return wan(value)

    def value_code(self, record):
        return record.code or ""

    def value_name(self, record):
        return record.name

    def value_unit(self, record):
        return record.unit.display_name

    def value_total_investment(self, record):
        return record.total_investment

    def value_report_investment(self, record):
        return record.report_investment

    def value_status(self, record):
        return record.status_label

    def value_missing(self, record):
        return record.missing

    def value_return_reason(self, record):
        return record.report_return_reason or ""


QUEUE_OPS = (
    "{% load i18n %}"
    '<form method="post" action="{% if table.action == \'approve\' %}'
    "{% url 'reports:report_approve' record.pk %}{% else %}"
    '{% url \'reports:report_accept\' record.pk %}{% endif %}" class="inline">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{{ table.csrf_token }}">'
    '<input type="hidden" name="next" value="{{ table.here }}">'
    '<input type="hidden" name="version" value="{{ record.version }}">'
    "<button class=\"btn small primary\">{% if table.action == 'approve' %}"
    '{% translate "通过" %}{% else %}{% translate "验收" %}{% endif %}</button></form>'
    '<form method="post" action="{% url \'reports:report_return\' record.pk %}" '
    'class="inline return-inline">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{{ table.csrf_token }}">'
    '<input type="hidden" name="next" value="{{ table.here }}">'
    '<input type="hidden" name="version" value="{{ record.version }}">'
    '<input type="text" name="reason" placeholder="{% translate \'退回原因\' %}" '
    "aria-label=\"{% translate '退回原因' %}\" required>"
    '<button class="btn small danger">{% translate "退回" %}</button></form>'
)


class PickColumn(TemplateColumn):
    """A row's checkbox for a batch step; its header checks them all ("全部选中")."""

    @property
    def header(self):
        label = _("全部选中")
        return format_html(
            '<label class="nowrap"><input type="checkbox" data-check-all="pick"> {}</label>',
            label,
        )


class QueueTable(Table):
    """A review queue: the reports waiting for the person's approval or acceptance; each
    row's checkbox (``pick`` = "pk:version", in the page's batch form) for a batch step."""

    pick = column(
        PickColumn,
        template_code=(
            '<input type="checkbox" name="pick" form="batch" '
            'value="{{ record.pk }}:{{ record.version }}" '
            "aria-label=\"{{ record.project.name }} {{ record.month|date:'Y-m' }}\">"
        ),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )
    month = column(verbose_name=_("月份"), export_header="月份", attrs=NOWRAP)
    code = column(verbose_name="项目代码", visible=False)
    project = column(verbose_name=_("项目"), export_header="项目名称")
    unit = column(verbose_name=_("板块"), export_header="板块", empty_values=(), attrs=NOWRAP)
    investment = column(
        verbose_name=_("当月完成（万元）"), export_header="当月完成投资（万元）", attrs=RIGHT
    )
    year_to_date = column(verbose_name=_("本年累计（万元）"), attrs=RIGHT)
    plan_investment = column(verbose_name="年度计划投资（万元）", visible=False)
    plan_share = column(verbose_name=_("占年度计划"), export_header="占年度计划（%）", attrs=RIGHT)
    since_start = column(verbose_name="开工以来累计（万元）", visible=False)
    progress = column(verbose_name=_("形象进度"), export_header="形象进度")
    ops = column(
        tables.TemplateColumn,
        template_code=QUEUE_OPS,
        empty_values=(),
        verbose_name=_("操作"),
        exclude_from_export=True,
        attrs={"td": {"class": "ops"}},
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid queue"}
        empty_text = _("没有待处理的填报。")

    def __init__(self, *args, action="", here="", csrf_token="", **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.here, self.csrf_token = action, here, csrf_token

    def render_month(self, record):
        url = reverse("reports:report_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, f"{record.month:%Y-%m}")

    def render_project(self, record):
        url = reverse("projects:project_detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, record.project.name)

    def render_unit(self, record):
        return record.project.unit.display_name

    def render_investment(self, value):
        return wan(value)

    def render_year_to_date(self, value):
        return wan(value)

    def render_plan_share(self, value):
        return pct(value)

    def render_progress(self, value):
        return value if len(value) <= 50 else value[:49] + "…"

    def value_month(self, record):
        return f"{record.month:%Y-%m}"

    def value_code(self, record):
        return record.project.code or ""

    def value_project(self, record):
        return record.project.name

    def value_unit(self, record):
        return record.project.unit.display_name

    def value_investment(self, record):
        return record.investment

    def value_year_to_date(self, record):
        return record.year_to_date

    def value_plan_investment(self, record):
        return record.plan_investment

    def value_plan_share(self, record):
        return round(record.plan_share, 1) if record.plan_share is not None else None

    def value_since_start(self, record):
        return record.since_start

    def value_progress(self, record):
        return record.progress
