"""The one definition of the columns of the ledger (项目台账) and monthly report layouts.

Readers match headers against it, templates are generated from it and docs/import.md
describes it. A column has a standard header, aliases that real ledgers use, a kind
(how its cells are read) and, for quantities, the stored unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ballast.imports.cells import UNIT_TABLES, nfkc
from ballast.projects.choices import Category, Level, Origin, Stage


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text name code credit money usd land area decimal date month choice region …
    aliases: tuple[str, ...] = ()
    unit: str = ""  # the stored unit, shown in template headers
    help: str = ""

    @property
    def template_header(self) -> str:
        return f"{self.header}（{self.unit}）" if self.unit else self.header


CATEGORY_WORDS = {
    Category.INDUSTRIAL: ("产业类", "产业", "产业项目", "工业", "工业类", "工业项目", "制造业"),
    Category.INFRASTRUCTURE: ("基础设施类", "基础设施", "基础设施项目", "基建"),
    Category.SERVICES: ("服务业类", "服务业", "服务业项目", "现代服务业"),
    Category.SOCIAL: ("社会民生类", "社会民生", "民生", "民生项目", "社会事业"),
    Category.ECOLOGY: ("生态环保类", "生态环保", "生态", "环保", "生态环境"),
}
LEVEL_WORDS = {
    Level.PROVINCIAL: ("省重大", "省重大项目", "省级重大", "省级", "省重点"),
    Level.CITY: ("市重大", "市重大项目", "市级重大", "市级", "市重点"),
    Level.UNIT: ("县区重点", "县级", "区级", "县区级", "县(市、区)重点", "板块重点"),
}
ORIGIN_WORDS = {
    Origin.DOMESTIC: ("内资", "国内", "境内"),
    Origin.FOREIGN: ("外资", "外商投资", "境外"),
    Origin.HMT: ("港澳台资", "港澳台", "台资", "港资", "澳资"),
}
STATUS_WORDS = {
    "active": ("在建", "正常", "正常推进", "建设中", "在库", "复工"),
    "stopped": ("停建", "停工"),
    "deferred": ("缓建",),
    "terminated": ("终止", "退出", "终止退出", "取消"),
}

STAGE_HEADERS = {
    Stage.RESERVE: ("入库储备日期", ("储备日期", "入储备库日期", "谋划储备日期", "入库储备")),
    Stage.NEGOTIATING: ("在谈日期", ("在谈", "洽谈日期", "在谈时间")),
    Stage.SIGNED: ("签约日期", ("签约时间", "签约", "协议签订日期", "签订日期")),
    Stage.LANDED: ("落地日期", ("落地时间", "落地")),
    Stage.STARTED: ("开工日期", ("开工时间", "实际开工日期", "实际开工", "开工")),
    Stage.IN_STATISTICS: ("列统日期", ("列统时间", "入库纳统日期", "纳统日期", "入统日期", "列统")),
    Stage.COMPLETED: ("竣工日期", ("竣工时间", "实际竣工日期", "实际竣工", "竣工")),
    Stage.IN_PRODUCTION: ("投产日期", ("投产时间", "实际投产日期", "实际投产", "投产")),
    Stage.AT_CAPACITY: ("达产日期", ("达产时间", "达产达效日期", "实际达产日期", "达产")),
}

PROJECT_KEY_COLUMNS = [
    Column(
        "code",
        "项目代码",
        "code",
        ("项目编码", "国家项目代码", "投资项目代码", "项目统一代码", "备案代码", "赋码"),
        help="投资项目在线审批监管平台赋码，如 2023-321000-39-03-012345",
    ),
    Column("name", "项目名称", "name", ("项目", "名称", "项目名")),
    Column(
        "unit",
        "所属板块",
        "unit",
        (
            "板块",
            "县(市、区)",
            "县(市区)",
            "县市区",
            "县(市、区)、功能区",
            "所属地区",
            "地区",
            "所属县市区",
            "责任板块",
            "板块名称",
            "板块代码",
        ),
        help="板块的代码、名称或简称，如 321081、仪征市、仪征",
    ),
]

LEDGER_COLUMNS = [
    *PROJECT_KEY_COLUMNS,
    Column(
        "district",
        "所在行政区",
        "district",
        ("行政区", "所在区县", "所在县区", "行政区划"),
        help="区划代码或名称",
    ),
    Column("address", "建设地点", "text", ("项目地址", "地址", "项目建设地点", "建设地址")),
    Column(
        "investor",
        "建设单位/投资主体",
        "name",
        (
            "建设单位",
            "项目业主",
            "投资主体",
            "项目单位",
            "业主单位",
            "投资方",
            "项目法人",
            "建设单位(投资主体)",
        ),
    ),
    Column(
        "investor_credit_code",
        "统一社会信用代码",
        "credit",
        ("信用代码", "社会信用代码", "建设单位统一社会信用代码"),
    ),
    Column(
        "origin",
        "资金来源",
        "origin",
        ("投资来源", "内外资", "资本来源", "资金性质"),
        help="内资、外资、港澳台资",
    ),
    Column(
        "cluster",
        "产业集群",
        "cluster",
        ("所属产业集群", "所属集群", "集群", "产业方向"),
        help="本市产业集群的名称或代码",
    ),
    Column(
        "category",
        "项目类别",
        "category",
        ("项目类型", "类别", "项目分类"),
        help="产业类、基础设施类、服务业类、社会民生类、生态环保类",
    ),
    Column(
        "level",
        "项目层级",
        "level",
        ("项目级别", "层级", "级别", "项目等级"),
        help="省重大、市重大、县区重点",
    ),
    Column(
        "total_investment",
        "总投资",
        "money",
        ("计划总投资", "项目总投资", "总投资额", "投资总额"),
        unit="万元",
    ),
    Column(
        "foreign_investment",
        "其中外资",
        "usd",
        ("外资", "外资金额", "其中:外资", "协议外资", "利用外资"),
        unit="万美元",
    ),
    Column(
        "land_area",
        "用地",
        "land",
        ("用地面积", "占地面积", "供地面积", "用地规模", "占地"),
        unit="亩",
    ),
    Column("floor_area", "建筑面积", "area", ("总建筑面积",), unit="㎡"),
    Column(
        "content",
        "建设内容",
        "text",
        ("建设内容及规模", "主要建设内容", "建设规模及内容", "建设规模和内容"),
    ),
    Column("capacity", "形成能力", "text", ("新增产能", "设计产能", "达产后产能", "新增能力")),
    Column(
        "parent",
        "上级项目",
        "parent",
        ("所属项目", "母项目", "上级项目代码", "上级项目名称", "主项目"),
        help="同一板块中上级项目的代码或名称",
    ),
    Column("phase_label", "分期", "text", ("项目分期", "期次", "期数")),
    Column("planned_start", "计划开工日期", "date", ("计划开工", "计划开工时间")),
    Column("planned_completion", "计划竣工日期", "date", ("计划竣工", "计划竣工时间")),
    Column("planned_full_output", "计划达产日期", "date", ("计划达产", "计划达产时间")),
    Column(
        "expected_annual_sales",
        "达产后开票销售",
        "money",
        (
            "达产后年开票销售",
            "达产后开票",
            "预计开票销售",
            "年开票销售",
            "达产后年销售收入",
            "开票销售",
            "预计年开票销售",
        ),
        unit="万元",
    ),
    Column(
        "expected_annual_tax",
        "达产后入库税收",
        "money",
        (
            "达产后年入库税收",
            "预计入库税收",
            "年入库税收",
            "入库税收",
            "达产后税收",
            "预计年入库税收",
        ),
        unit="万元",
    ),
    Column("service_team", "服务专班", "text", ("专班",)),
    Column("responsible_officer", "责任人", "text", ("项目责任人", "板块责任人", "责任领导")),
    Column("responsible_phone", "责任人电话", "text", ("责任人联系电话", "责任人手机")),
    Column("enterprise_contact", "企业联系人", "text", ("联系人", "企业联系人姓名", "项目联系人")),
    Column(
        "enterprise_phone",
        "企业联系电话",
        "text",
        ("联系电话", "企业电话", "联系人电话", "联系方式"),
    ),
    Column("longitude", "经度", "coordinate", ()),
    Column("latitude", "纬度", "coordinate", ()),
    *[
        Column(
            f"stage:{stage.value}", header, "date", aliases, help=f"达到“{stage.label}”阶段的日期"
        )
        for stage, (header, aliases) in STAGE_HEADERS.items()
    ],
    Column(
        "stage_reason",
        "阶段更正原因",
        "text",
        ("更正原因", "日期更正原因", "阶段日期更正原因"),
        help="改动已记录的阶段日期时必填，写入历史记录",
    ),
    Column(
        "status",
        "状态",
        "status",
        ("项目状态", "建设状态", "当前状态"),
        help="在建、停建、缓建、终止；空白表示不改变",
    ),
    Column(
        "status_date",
        "状态日期",
        "date",
        ("停缓建日期", "终止日期", "停建日期", "缓建日期", "退出日期", "复工日期"),
    ),
    Column(
        "status_reason",
        "状态原因",
        "text",
        ("停缓建原因", "终止原因", "原因", "退出原因", "停建原因"),
    ),
    Column("status_note", "状态说明", "text", ("说明", "情况说明", "停缓建说明", "终止说明")),
    Column("plan_year", "计划年度", "year", ("年度", "计划年份", "年份")),
    Column(
        "planned_investment",
        "年度计划投资",
        "money",
        (
            "年度计划",
            "本年计划投资",
            "年计划投资",
            "当年计划投资",
            "年度投资计划",
            "年度计划完成投资",
            "计划投资",
            "年度投资",
            "本年度计划投资",
            "年计划",
        ),
        unit="万元",
    ),
]

REPORT_COLUMNS = [
    *PROJECT_KEY_COLUMNS,
    Column("month", "月份", "month", ("填报月份", "报告月份", "所属月份", "报送月份", "年月")),
    Column(
        "investment",
        "当月完成投资",
        "money",
        ("本月完成投资", "月度完成投资", "完成投资", "当月投资", "本月投资", "当月完成"),
        unit="万元",
    ),
    Column(
        "progress",
        "形象进度",
        "text",
        ("工程形象进度", "项目进展情况", "进展情况", "形象进度情况", "当月形象进度"),
    ),
    Column(
        "percent_complete",
        "完成比例",
        "percent",
        ("工程完成比例", "完成进度", "工程进度", "完成百分比"),
        unit="%",
    ),
    Column(
        "problems",
        "存在问题",
        "text",
        ("存在的问题", "问题", "存在的困难和问题", "存在问题及工作建议", "存在的问题及工作建议"),
    ),
    Column(
        "suggestions", "工作建议", "text", ("建议", "下步工作建议", "意见建议", "下一步工作建议")
    ),
    Column("year", "年度", "year", ("年份",)),
]

IGNORED_HEADERS = ("序号", "编号", "备注", "规模", "项目规模")

LEDGER_TEMPLATE_KEYS = [c.key for c in LEDGER_COLUMNS if c.key not in ("longitude", "latitude")]
REPORT_LONG_TEMPLATE_KEYS = [
    "code",
    "name",
    "unit",
    "month",
    "investment",
    "progress",
    "percent_complete",
    "problems",
    "suggestions",
]
REPORT_WIDE_TEMPLATE_KEYS = ["code", "name", "unit", "year"]


def header_key(text) -> str:
    """A header as matched: NFKC, no whitespace, no required-field asterisks."""
    text = re.sub(r"\s+", "", nfkc(text or ""))
    return text.strip("*※").replace("（", "(").replace("）", ")")


def alias_map(columns) -> dict[str, Column]:
    found = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            found.setdefault(header_key(name), column)
    return found


ALL_UNITS = sorted(
    {u for table in UNIT_TABLES.values() for u in table} | {"%"}, key=len, reverse=True
)
_UNIT_RE = "|".join(re.escape(nfkc(u)) for u in ALL_UNITS)


def split_unit(text: str) -> tuple[str, str]:
    """ "总投资(亿元)" → ("总投资", "亿元"); "总投资/万元" → ("总投资", "万元")."""
    text = header_key(text)
    unit = ""
    for group in re.findall(r"\(([^()]*)\)|\[([^\[\]]*)\]", text):
        inner = (group[0] or group[1]).replace("单位:", "").replace("单位", "")
        if re.fullmatch(_UNIT_RE, inner):
            unit = unit or inner
    base = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", text)
    match = re.fullmatch(rf"(.+?)[/:]?({_UNIT_RE})", base)
    if not unit and match:
        return match[1], match[2]
    return base, unit


# 亩均论英雄: a project's yearly figures (assessments.EfficiencyRecord), one row per
# project and year. Amounts in 万元 (the header may say 亿元 or 元), land in 亩.
MUJUN_COLUMNS = [
    *PROJECT_KEY_COLUMNS,
    Column("year", "年度", "year", ("评价年度", "年份", "数据年度")),
    Column("tax", "入库税收", "money", ("税收", "税收收入", "实缴税金", "入库税金"), unit="万元"),
    Column(
        "sales",
        "开票销售",
        "money",
        ("销售收入", "营业收入", "开票销售收入", "主营业务收入"),
        unit="万元",
    ),
    Column("value_added", "工业增加值", "money", ("增加值",), unit="万元"),
    Column("energy", "综合能耗", "degree", ("能耗", "综合能源消费量"), unit="吨标煤"),
    Column(
        "emissions",
        "主要污染物排放当量",
        "degree",
        ("排放当量", "污染物排放当量", "排放"),
        unit="吨",
    ),
    Column(
        "rd_spending", "研发经费", "money", ("研发投入", "R&D经费", "研发经费支出"), unit="万元"
    ),
    Column("employees", "年平均职工人数", "integer", ("职工人数", "从业人员", "年平均从业人员")),
    Column(
        "land_area",
        "用地面积",
        "land",
        ("用地", "占地面积", "用地（亩）", "实际用地"),
        unit="亩",
        help="单位 亩（表头写“公顷”则按 1 公顷 = 15 亩换算）；留空取项目的用地面积",
    ),
]
MUJUN_TEMPLATE_KEYS = [c.key for c in MUJUN_COLUMNS]
# 板块目标: one row per unit, period and indicator (imports/targets.py).
TARGET_COLUMNS = [
    Column(
        "unit",
        "板块",
        "unit",
        (
            "所属板块",
            "板块名称",
            "板块代码",
            "县(市、区)",
            "县市区",
            "考核板块",
            "责任板块",
            "单位",
        ),
        help="板块名称、简称或代码",
    ),
    Column(
        "period",
        "期间",
        "period",
        ("目标期间", "年度/季度", "考核期间", "期别", "周期", "年度", "季度"),
        help="年度如 2026，季度如 2026Q1、2026年一季度、2026年第1季度",
    ),
    Column(
        "indicator",
        "指标",
        "indicator",
        ("目标指标", "考核指标", "指标名称", "目标名称"),
        help="指标名称，如 新签约项目数、新开工项目总投资（万元）、当年签约项目落地率",
    ),
    Column(
        "value",
        "目标值",
        "target",
        ("目标", "目标数", "目标数值", "目标任务", "任务数"),
        help="个数；金额按万元（可写 1.2亿元）；比率写 70% 或 0.7",
    ),
]
TARGET_TEMPLATE_KEYS = ["unit", "period", "indicator", "value"]
