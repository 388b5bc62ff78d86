"""English for the labels the pages show from other apps' choices.

Those apps name their choices in plain Chinese (``Stage.SIGNED.label == "签约"``), and
cached figures carry the Chinese label, so the pages translate a label when they render
it: ``{% translate label %}`` in a template, ``gettext(label)`` in a view. The msgids are
marked here, once, so that ``makemessages`` keeps them in the web catalogue (every app's
catalogue is merged at run time, so the dashboards use them too).

Stage names carry the context "stage" (``ballast.projects.labels.stage_label``,
``{% translate x context "stage" %}``): as a bare msgid "开工" is the node plan's
planned-start column.

``tests/test_english_labels.py`` fails when one of these choices gains a label without
an English translation. Once an app marks its own choices with ``gettext_lazy`` (and
ships a catalogue), its entries here can go.
"""

from django.utils.translation import gettext, gettext_noop, pgettext_lazy

STAGE_CONTEXT = "stage"
NO_STAGE = "未入库"

STAGE_NAMES = (
    pgettext_lazy("stage", "未入库"),
    pgettext_lazy("stage", "谋划储备"),
    pgettext_lazy("stage", "在谈"),
    pgettext_lazy("stage", "签约"),
    pgettext_lazy("stage", "落地"),
    pgettext_lazy("stage", "开工"),
    pgettext_lazy("stage", "列统"),
    pgettext_lazy("stage", "竣工"),
    pgettext_lazy("stage", "投产"),
    pgettext_lazy("stage", "达产达效"),
    # coordination's leader portfolio: a project without any stage recorded
    pgettext_lazy("stage", "未录入"),
)


def translated_choices(choices) -> list[tuple[str, str]]:
    """Django choices with their (Chinese) labels translated now."""
    return [(value, gettext(label)) for value, label in choices]


MONTHS = (
    gettext_noop("1月"),
    gettext_noop("2月"),
    gettext_noop("3月"),
    gettext_noop("4月"),
    gettext_noop("5月"),
    gettext_noop("6月"),
    gettext_noop("7月"),
    gettext_noop("8月"),
    gettext_noop("9月"),
    gettext_noop("10月"),
    gettext_noop("11月"),
    gettext_noop("12月"),
)


def month_label(month: int) -> str:
    """A month of the year (1–12) named in the active language: 3月, Mar."""
    return gettext(MONTHS[month - 1])


LABELS = (
    # accounts.Role
    gettext_noop("市级管理员"),
    gettext_noop("市级审核"),
    gettext_noop("板块填报员"),
    gettext_noop("板块审核员"),
    gettext_noop("部门"),
    gettext_noop("领导"),
    gettext_noop("审计员"),
    gettext_noop("企业"),
    gettext_noop("系统管理员"),
    gettext_noop("安全管理员"),
    gettext_noop("省级（省发改委）"),
    # accounts.LoginEvent.Kind
    gettext_noop("登录"),
    gettext_noop("退出"),
    gettext_noop("登录失败"),
    # projects.Level
    gettext_noop("省重大"),
    gettext_noop("市重大"),
    gettext_noop("县区重点"),
    # projects.Origin
    gettext_noop("内资"),
    gettext_noop("外资"),
    gettext_noop("港澳台资"),
    # projects.SizeClass
    gettext_noop("百亿级"),
    gettext_noop("50亿级"),
    gettext_noop("10亿级"),
    gettext_noop("亿元以上"),
    gettext_noop("亿元以下"),
    # projects.Category
    gettext_noop("产业类"),
    gettext_noop("基础设施类"),
    gettext_noop("服务业类"),
    gettext_noop("社会民生类"),
    gettext_noop("生态环保类"),
    # projects.SuspensionKind, SuspensionReason, TerminationReason
    gettext_noop("停建"),
    gettext_noop("缓建"),
    gettext_noop("资金不到位"),
    gettext_noop("市场变化"),
    gettext_noop("政策调整"),
    gettext_noop("用地问题"),
    gettext_noop("审批手续"),
    gettext_noop("环保督查"),
    gettext_noop("投资方原因"),
    gettext_noop("季节性停工"),
    gettext_noop("其他"),
    gettext_noop("投资方退出"),
    gettext_noop("资金链断裂"),
    gettext_noop("政策不符"),
    gettext_noop("用地无法保障"),
    gettext_noop("并入其他项目"),
    # projects.NodeKind, NodeOutcome
    gettext_noop("备案/核准"),
    gettext_noop("土地供应/摘牌"),
    gettext_noop("规划许可"),
    gettext_noop("环评"),
    gettext_noop("能评"),
    gettext_noop("施工许可"),
    gettext_noop("入库纳统"),
    gettext_noop("竣工验收"),
    gettext_noop("投产"),
    gettext_noop("未办结"),
    gettext_noop("已办结"),
    gettext_noop("无需办理"),
    # projects.TargetIndicator
    gettext_noop("新签约项目数"),
    gettext_noop("新签约项目总投资（万元）"),
    gettext_noop("新开工项目数"),
    gettext_noop("新开工项目总投资（万元）"),
    gettext_noop("新竣工项目数"),
    gettext_noop("新竣工项目总投资（万元）"),
    gettext_noop("年度完成投资（万元）"),
    gettext_noop("当年签约项目落地率"),
    gettext_noop("当年签约项目开工率"),
    gettext_noop("当年签约项目列统率"),
    # projects.selectors.Status
    gettext_noop("在建/推进中"),
    gettext_noop("停缓建"),
    gettext_noop("已终止"),
    # reports.ReportStatus
    gettext_noop("草稿"),
    gettext_noop("已报送"),
    gettext_noop("板块已审核"),
    gettext_noop("市级已验收"),
    # alerts.Level and the registered warning rules
    gettext_noop("红色预警"),
    gettext_noop("黄色预警"),
    gettext_noop("开工逾期"),
    gettext_noop("只开工不施工"),
    gettext_noop("开工之后再无下文"),
    gettext_noop("低于序时进度"),
    gettext_noop("竣工逾期"),
    gettext_noop("开工未列统"),
    gettext_noop("月报逾期未报"),
    gettext_noop("数据异常"),
    gettext_noop("协调问题逾期"),
    gettext_noop("节点逾期"),
    # coordination.IssueStatus, IssueCategory, IssueLevel, VisitKind
    gettext_noop("待受理"),
    gettext_noop("已受理"),
    gettext_noop("办理中"),
    gettext_noop("已办结待确认"),
    gettext_noop("已销号"),
    gettext_noop("土地指标"),
    gettext_noop("规划"),
    gettext_noop("环评/能评"),
    gettext_noop("施工许可/行政审批"),
    gettext_noop("资金筹措"),
    gettext_noop("水电气热"),
    gettext_noop("用工"),
    gettext_noop("板块协调"),
    gettext_noop("市级协调"),
    gettext_noop("走访"),
    gettext_noop("调研"),
    gettext_noop("现场办公"),
    gettext_noop("座谈"),
)
