"""The columns of the coordination lists' exports: (header, value of a row)."""

from ballast.web.pages import iso

ISSUE_COLUMNS = (
    ("项目代码", lambda i: (i.project.code or "") if i.project else ""),
    ("项目名称", lambda i: i.project.name if i.project else ""),
    ("板块", lambda i: i.project.unit.display_name if i.project else ""),
    ("问题类别", lambda i: i.get_category_display()),
    ("重大事项", lambda i: "是" if i.is_major else ""),
    ("问题描述", lambda i: i.description),
    ("责任部门", lambda i: i.department.name if i.department else ""),
    ("责任人", lambda i: i.responsible_name),
    ("提出日期", lambda i: iso(i.raised_on)),
    ("办结期限", lambda i: iso(i.deadline)),
    ("状态", lambda i: i.get_status_display()),
    ("办结日期", lambda i: iso(i.resolved_on)),
    ("办理结果", lambda i: i.resolution),
    ("销号日期", lambda i: iso(i.closed_on)),
)

VISIT_COLUMNS = (
    ("日期", lambda v: iso(v.date)),
    ("项目代码", lambda v: v.project.code or ""),
    ("项目名称", lambda v: v.project.name),
    ("板块", lambda v: v.project.unit.display_name),
    ("走访人", lambda v: str(v.visitor)),
    ("方式", lambda v: v.get_kind_display()),
    ("发现情况", lambda v: v.findings),
)
