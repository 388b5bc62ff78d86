"""The columns of the attraction lists and their exports: (header, value of a row)."""

from ballast.web.pages import iso

LEAD_COLUMNS = (
    ("板块", lambda x: x.unit.display_name),
    ("意向项目", lambda x: x.project_name),
    ("投资方", lambda x: x.investor),
    ("统一社会信用代码", lambda x: x.investor_credit_code),
    ("世界500强", lambda x: "是" if x.is_fortune500 else ""),
    ("央企", lambda x: "是" if x.is_central_soe else ""),
    ("上市公司", lambda x: "是" if x.is_listed else ""),
    ("意向投资额（万元）", lambda x: x.amount),
    ("其中外资（万美元）", lambda x: x.amount_usd),
    ("产业集群", lambda x: x.cluster.name if x.cluster else ""),
    ("产业链环节", lambda x: x.link.name if x.link else ""),
    ("招商渠道", lambda x: x.channel.name),
    ("来源团队", lambda x: x.get_source_team_display()),
    ("责任人", lambda x: x.responsible_person),
    ("阶段", lambda x: x.get_stage_display()),
    ("成功可能性", lambda x: x.get_likelihood_display()),
    (
        "预计签约月份",
        lambda x: x.expected_signing_month.strftime("%Y-%m") if x.expected_signing_month else "",
    ),
    ("获得信息日期", lambda x: iso(x.info_on)),
    ("接洽日期", lambda x: iso(x.contacted_on)),
    ("洽谈日期", lambda x: iso(x.negotiating_on)),
    ("签约日期", lambda x: iso(x.signed_on)),
    ("终止日期", lambda x: iso(x.terminated_on)),
    ("终止原因", lambda x: x.get_termination_reason_display() if x.termination_reason else ""),
)

RESERVE_COLUMNS = (
    ("梯次", lambda e: e.tier.name),
    ("项目名称", lambda e: e.project.name),
    ("板块", lambda e: e.project.unit.display_name),
    ("总投资（万元）", lambda e: e.project.total_investment),
    ("用地已落实", lambda e: "是" if e.land_ready else ""),
    ("立项备案已完成", lambda e: "是" if e.filing_ready else ""),
    ("资金已落实", lambda e: "是" if e.funding_ready else ""),
    ("入库日期", lambda e: iso(e.entered_on)),
)
