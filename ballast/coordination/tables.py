"""The coordination lists' tables (``ballast.web.tables``): the issues and the visit log.
The issues board draws its columns by status itself, the visit log its rows; these
tables are the one definition of their exports' columns (``?export=csv|xlsx``)."""

from ballast.web.pages import iso
from ballast.web.tables import Table, column


def _export(name: str):
    """A column of the export only (the page draws its own cells)."""
    return column(verbose_name=name, visible=False, empty_values=())


class IssueTable(Table):
    project_code = _export("项目代码")
    project_name = _export("项目名称")
    unit_name = _export("板块")
    category = _export("问题类别")
    is_major = _export("重大事项")
    description = _export("问题描述")
    department = _export("责任部门")
    responsible = _export("责任人")
    raised_on = _export("提出日期")
    deadline = _export("办结期限")
    status = _export("状态")
    resolved_on = _export("办结日期")
    resolution = _export("办理结果")
    closed_on = _export("销号日期")

    def value_project_code(self, record):
        return (record.project.code or "") if record.project else ""

    def value_project_name(self, record):
        return record.project.name if record.project else ""

    def value_unit_name(self, record):
        return record.project.unit.display_name if record.project else ""

    def value_category(self, record):
        return record.get_category_display()

    def value_is_major(self, record):
        return "是" if record.is_major else ""

    def value_description(self, record):
        return record.description

    def value_department(self, record):
        return record.department.name if record.department else ""

    def value_responsible(self, record):
        return record.responsible_name

    def value_raised_on(self, record):
        return iso(record.raised_on)

    def value_deadline(self, record):
        return iso(record.deadline)

    def value_status(self, record):
        return record.get_status_display()

    def value_resolved_on(self, record):
        return iso(record.resolved_on)

    def value_resolution(self, record):
        return record.resolution

    def value_closed_on(self, record):
        return iso(record.closed_on)


class VisitTable(Table):
    date = _export("日期")
    project_code = _export("项目代码")
    project_name = _export("项目名称")
    unit_name = _export("板块")
    visitor = _export("走访人")
    kind = _export("方式")
    findings = _export("发现情况")

    def value_date(self, record):
        return iso(record.date)

    def value_project_code(self, record):
        return record.project.code or ""

    def value_project_name(self, record):
        return record.project.name

    def value_unit_name(self, record):
        return record.project.unit.display_name

    def value_visitor(self, record):
        return str(record.visitor)

    def value_kind(self, record):
        return record.get_kind_display()

    def value_findings(self, record):
        return record.findings
