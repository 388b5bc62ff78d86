"""The attraction lists' tables (``ballast.web.tables``): the leads and the reserve pool.
Their pages draw their own rows; these tables are the one definition of their exports'
columns (``?export=csv|xlsx``)."""

from ballast.web.pages import iso
from ballast.web.tables import Table, column


def _export(name: str):
    """A column of the export only (the page draws its own cells)."""
    return column(verbose_name=name, visible=False, empty_values=())


def _yes(flag) -> str:
    return "是" if flag else ""


class LeadTable(Table):
    unit = _export("板块")
    project_name = _export("意向项目")
    investor = _export("投资方")
    investor_credit_code = _export("统一社会信用代码")
    is_fortune500 = _export("世界500强")
    is_central_soe = _export("央企")
    is_listed = _export("上市公司")
    amount = _export("意向投资额（万元）")
    amount_usd = _export("其中外资（万美元）")
    cluster = _export("产业集群")
    link = _export("产业链环节")
    channel = _export("招商渠道")
    source_team = _export("来源团队")
    responsible_person = _export("责任人")
    stage = _export("阶段")
    likelihood = _export("成功可能性")
    expected_signing_month = _export("预计签约月份")
    info_on = _export("获得信息日期")
    contacted_on = _export("接洽日期")
    negotiating_on = _export("洽谈日期")
    signed_on = _export("签约日期")
    terminated_on = _export("终止日期")
    termination_reason = _export("终止原因")

    def value_unit(self, record):
        return record.unit.display_name

    def value_project_name(self, record):
        return record.project_name

    def value_investor(self, record):
        return record.investor

    def value_investor_credit_code(self, record):
        return record.investor_credit_code

    def value_is_fortune500(self, record):
        return _yes(record.is_fortune500)

    def value_is_central_soe(self, record):
        return _yes(record.is_central_soe)

    def value_is_listed(self, record):
        return _yes(record.is_listed)

    def value_amount(self, record):
        return record.amount

    def value_amount_usd(self, record):
        return record.amount_usd

    def value_cluster(self, record):
        return record.cluster.name if record.cluster else ""

    def value_link(self, record):
        return record.link.name if record.link else ""

    def value_channel(self, record):
        return record.channel.name

    def value_source_team(self, record):
        return record.get_source_team_display()

    def value_responsible_person(self, record):
        return record.responsible_person

    def value_stage(self, record):
        return record.get_stage_display()

    def value_likelihood(self, record):
        return record.get_likelihood_display()

    def value_expected_signing_month(self, record):
        month = record.expected_signing_month
        return month.strftime("%Y-%m") if month else ""

    def value_info_on(self, record):
        return iso(record.info_on)

    def value_contacted_on(self, record):
        return iso(record.contacted_on)

    def value_negotiating_on(self, record):
        return iso(record.negotiating_on)

    def value_signed_on(self, record):
        return iso(record.signed_on)

    def value_terminated_on(self, record):
        return iso(record.terminated_on)

    def value_termination_reason(self, record):
        if not record.termination_reason:
            return ""
        return record.get_termination_reason_display()


class ReserveTable(Table):
    tier = _export("梯次")
    project_name = _export("项目名称")
    unit = _export("板块")
    total_investment = _export("总投资（万元）")
    land_ready = _export("用地已落实")
    filing_ready = _export("立项备案已完成")
    funding_ready = _export("资金已落实")
    entered_on = _export("入库日期")

    def value_tier(self, record):
        return record.tier.name

    def value_project_name(self, record):
        return record.project.name

    def value_unit(self, record):
        return record.project.unit.display_name

    def value_total_investment(self, record):
        return record.project.total_investment

    def value_land_ready(self, record):
        return _yes(record.land_ready)

    def value_filing_ready(self, record):
        return _yes(record.filing_ready)

    def value_funding_ready(self, record):
        return _yes(record.funding_ready)

    def value_entered_on(self, record):
        return iso(record.entered_on)
