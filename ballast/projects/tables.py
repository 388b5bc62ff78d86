"""The project list (项目清单): its columns, written once for the page and its export
(CSV with BOM, xlsx; ``ballast.web.tables``). The page shows the amount in 亿元 and the
name with its code; the export writes 万元 and the code, investor and dates in columns
of their own, labels named, not codes."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.projects.choices import (
    STAGE_BY_ORDER,
    ConfidenceRating,
    Level,
    NodeOutcome,
    SizeClass,
    Stage,
)
from ballast.web.pages import iso
from ballast.web.tables import Table, column
from ballast.web.templatetags.web_tags import day, yi

LEADERS = (
    "{% load i18n %}{% for l in record.leaders.all %}{{ l }}{% if not forloop.last %}、{% endif %}"
    "{% empty %}—{% endfor %}"
)
STATUS = (
    '{% load i18n %}{% if record.status != "active" %}<span class="tag tag-{{ record.status }}">'
    '{% if record.status == "suspended" %}{% translate "停缓建" %}{% else %}{% translate "已终止" %}'
    '{% endif %}</span>{% else %}<span class="muted">{% translate "正常" %}</span>{% endif %}'
)
STAGE = '{% include "projects/_stage.html" with seq=record.stage_seq %}'
NOWRAP = {"td": {"class": "nowrap"}}


class ProjectTable(Table):
    code = column(verbose_name="项目代码", visible=False)
    name = column(verbose_name=_("项目名称"), export_header="项目名称", sort_key="name")
    investor = column(verbose_name="建设单位/投资主体", visible=False)
    unit = column(verbose_name=_("板块"), export_header="所属板块", sort_key="unit", attrs=NOWRAP)
    cluster = column(verbose_name=_("产业集群"), export_header="产业集群")
    level = column(verbose_name=_("层级"), export_header="项目层级", attrs=NOWRAP)
    total_investment = column(
        verbose_name=_("总投资（亿元）"),
        export_header="总投资（万元）",
        sort_key="-investment",
        attrs={"th": {"class": "r"}, "td": {"class": "r"}},
    )
    size = column(verbose_name=_("规模"), export_header="规模", attrs=NOWRAP)
    stage = column(
        tables.TemplateColumn,
        template_code=STAGE,
        empty_values=(),
        verbose_name=_("阶段"),
        export_header="阶段",
        sort_key="-stage",
        attrs=NOWRAP,
    )
    status = column(
        tables.TemplateColumn,
        template_code=STATUS,
        empty_values=(),
        verbose_name=_("状态"),
        exclude_from_export=True,
        attrs=NOWRAP,
    )
    planned_start = column(
        verbose_name=_("计划开工"), export_header="计划开工日期", sort_key="planned_start",
        attrs=NOWRAP,
    )  # fmt: skip
    planned_completion = column(verbose_name="计划竣工日期", visible=False)
    responsible_officer = column(verbose_name="责任人", visible=False)
    leaders = column(
        tables.TemplateColumn,
        template_code=LEADERS,
        empty_values=(),
        verbose_name=_("挂钩领导"),
        exclude_from_export=True,
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid projects"}
        empty_text = _("没有符合条件的项目。")

    # ------------------------------------------------------------------ the page

    def render_name(self, record):
        url = reverse("projects:project_detail", args=[record.pk])
        link = format_html('<a href="{}">{}</a>', url, record.name)
        if record.code:
            return format_html('{}<div class="muted small">{}</div>', link, record.code)
        return link

    def render_unit(self, record):
        return record.unit.display_name

    def render_cluster(self, record):
        return record.cluster.name if record.cluster else "—"

    def render_level(self, record):
        return gettext(record.get_level_display())

    def render_total_investment(self, value):
        return yi(value)

    def render_size(self, record):
        return gettext(record.get_size_class_display())

    def render_planned_start(self, value):
        return day(value)

    # ---------------------------------------------------------------- the export

    def value_code(self, record):
        return record.code or ""

    def value_name(self, record):
        return record.name

    def value_investor(self, record):
        return record.investor

    def value_unit(self, record):
        return record.unit.display_name

    def value_cluster(self, record):
        return record.cluster.name if record.cluster else ""

    def value_level(self, record):
        return Level(record.level).label

    def value_total_investment(self, record):
        return record.total_investment

    def value_size(self, record):
        return SizeClass(record.size).label

    def value_stage(self, record):
        return Stage(STAGE_BY_ORDER[record.stage_seq]).label if record.stage_seq else "未入库"

    def value_planned_start(self, record):
        return iso(record.planned_start)

    def value_planned_completion(self, record):
        return iso(record.planned_completion)

    def value_responsible_officer(self, record):
        return record.responsible_officer


def rating_tag(rating: str | None):
    """A rating as a coloured tag (named in the active language); 未评级 when None."""
    if not rating:
        return format_html('<span class="muted">{}</span>', gettext("未评级"))
    label = gettext(ConfidenceRating(rating).label)
    return format_html('<span class="tag rating-{}">{}</span>', rating, label)


class ConfidenceTable(Table):
    """交付信心: each project with its current rating (the latest month rated up to the
    page's month), the month and the narrative."""

    name = column(verbose_name=_("项目名称"), export_header="项目名称")
    unit = column(verbose_name=_("板块"), export_header="所属板块", attrs=NOWRAP)
    rating = column(
        empty_values=(),
        verbose_name=_("交付信心"),
        export_header="交付信心",
        attrs=NOWRAP,
    )
    rating_month = column(
        verbose_name=_("评级月份"), export_header="评级月份", empty_values=(), attrs=NOWRAP
    )
    rating_narrative = column(verbose_name=_("说明"), export_header="说明", empty_values=())

    class Meta(Table.Meta):
        attrs = {"class": "grid"}
        empty_text = _("没有符合条件的项目。")

    def render_name(self, record):
        url = reverse("projects:project_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.name)

    def render_unit(self, record):
        return record.unit.display_name

    def render_rating(self, record):
        return rating_tag(record.rating)

    def render_rating_month(self, record):
        return record.rating_month.strftime("%Y-%m") if record.rating_month else "—"

    def render_rating_narrative(self, record):
        return record.rating_narrative or "—"

    def value_name(self, record):
        return record.name

    def value_unit(self, record):
        return record.unit.display_name

    def value_rating(self, record):
        return ConfidenceRating(record.rating).label if record.rating else "未评级"

    def value_rating_month(self, record):
        return record.rating_month.strftime("%Y-%m") if record.rating_month else ""

    def value_rating_narrative(self, record):
        return record.rating_narrative or ""


class NodeTable(Table):
    """节点计划: each node in scope with its project, deadline, responsible department and
    person, outcome and days overdue (as of the page's date); the action a person may
    take: the department's answer (办理), or the project's node form."""

    project = column(verbose_name=_("项目名称"), export_header="项目名称")
    unit = column(verbose_name=_("板块"), export_header="所属板块", attrs=NOWRAP, empty_values=())
    node = column(verbose_name=_("节点"), export_header="节点", empty_values=())
    deadline = column(verbose_name=_("计划完成日期"), export_header="计划完成日期", attrs=NOWRAP)
    department = column(
        verbose_name=_("责任部门"), export_header="责任部门", empty_values=(), attrs=NOWRAP
    )
    person = column(verbose_name=_("责任人"), export_header="责任人", empty_values=())
    outcome = column(verbose_name=_("办理结果"), export_header="办理结果", attrs=NOWRAP)
    completed_on = column(
        verbose_name=_("办结日期"), export_header="办结日期", empty_values=(), attrs=NOWRAP
    )
    overdue = column(
        verbose_name=_("逾期天数"), export_header="逾期天数", empty_values=(), attrs=NOWRAP
    )
    note = column(verbose_name=_("说明"), export_header="说明", empty_values=())
    actions = column(
        verbose_name="", empty_values=(), exclude_from_export=True, attrs=NOWRAP, orderable=False
    )

    class Meta(Table.Meta):
        attrs = {"class": "grid"}
        empty_text = _("没有符合条件的节点。")

    def __init__(self, *args, as_of, sees_projects, answers, changes_projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of
        self.sees_projects = sees_projects
        self.answers = answers
        self.changes_projects = changes_projects

    def render_project(self, record):
        if not self.sees_projects:
            return record.project.name
        url = reverse("projects:project_detail", args=[record.project_id])
        return format_html('<a href="{}">{}</a>', url, record.project.name)

    def render_unit(self, record):
        return record.project.unit.display_name

    def render_node(self, record):
        return record.name or gettext(record.get_kind_display())

    def render_deadline(self, record):
        return day(record.deadline)

    def render_department(self, record):
        return str(record.department or record.department_name or "—")

    def render_person(self, record):
        return str(record.person_user or record.person or "—")

    def render_outcome(self, record):
        if record.late:
            return format_html(
                '<span class="tag tag-terminated" data-late-node>{}</span>', gettext("已逾期")
            )
        return format_html(
            '<span class="tag tag-node-{}">{}</span>',
            record.outcome,
            gettext(record.get_outcome_display()),
        )

    def render_completed_on(self, record):
        return day(record.completed_on) if record.completed_on else "—"

    def render_overdue(self, record):
        days = self._overdue(record)
        return days if days else "—"

    def render_note(self, record):
        return record.note or "—"

    def render_actions(self, record):
        if self.answers:
            url = reverse("projects:node_answer", args=[record.pk])
            return format_html('<a class="btn small" href="{}">{}</a>', url, gettext("办理"))
        if self.changes_projects:
            url = reverse("projects:node_edit", args=[record.project_id, record.pk])
            return format_html('<a class="btn small" href="{}">{}</a>', url, gettext("编辑"))
        return ""

    def _overdue(self, record) -> int:
        return (self.as_of - record.deadline).days if record.late else 0

    def value_project(self, record):
        return record.project.name

    def value_unit(self, record):
        return record.project.unit.display_name

    def value_node(self, record):
        return record.name or record.get_kind_display()

    def value_deadline(self, record):
        return iso(record.deadline)

    def value_department(self, record):
        return str(record.department or record.department_name or "")

    def value_person(self, record):
        return str(record.person_user or record.person or "")

    def value_outcome(self, record):
        return "已逾期" if record.late else NodeOutcome(record.outcome).label

    def value_completed_on(self, record):
        return iso(record.completed_on) if record.completed_on else ""

    def value_overdue(self, record):
        return self._overdue(record) or ""

    def value_note(self, record):
        return record.note
