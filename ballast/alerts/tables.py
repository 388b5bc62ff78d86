"""The columns of the warnings list's export: (header, value of a warning)."""

WARNING_COLUMNS = (
    ("项目代码", lambda w: w.project_code or ""),
    ("项目名称", lambda w: w.project_name),
    ("板块", lambda w: w.unit_name),
    ("挂钩领导", lambda w: "、".join(w.leaders)),
    ("预警规则", lambda w: w.rule_label),
    ("预警等级", lambda w: w.level_label),
    ("起始日期", lambda w: w.since.isoformat()),
    ("说明", lambda w: w.detail),
)
