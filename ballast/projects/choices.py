"""Choices of the project domain. Stage order is the law of the domain, so it is code."""

from django.db import models


class Stage(models.TextChoices):
    """Lifecycle stages, in order (DOMAIN.md "The lifecycle")."""

    RESERVE = "reserve", "谋划储备"
    NEGOTIATING = "negotiating", "在谈"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"
    STARTED = "started", "开工"
    IN_STATISTICS = "in_statistics", "列统"
    COMPLETED = "completed", "竣工"
    IN_PRODUCTION = "in_production", "投产"
    AT_CAPACITY = "at_capacity", "达产达效"


STAGE_ORDER = {stage.value: index for index, stage in enumerate(Stage, start=1)}
STAGE_BY_ORDER = {index: stage for stage, index in STAGE_ORDER.items()}


def stages_from(stage: str) -> list[str]:
    """``stage`` and every later stage: reaching any of them means ``stage`` was reached."""
    return [s for s, n in STAGE_ORDER.items() if n >= STAGE_ORDER[stage]]


def stages_before(stage: str) -> list[str]:
    return [s for s, n in STAGE_ORDER.items() if n < STAGE_ORDER[stage]]


def stages_after(stage: str) -> list[str]:
    return [s for s, n in STAGE_ORDER.items() if n > STAGE_ORDER[stage]]


STAGE_EVIDENCE = {
    Stage.RESERVE: "入储备库",
    Stage.NEGOTIATING: "在谈招引线索",
    Stage.SIGNED: "投资协议签订",
    Stage.LANDED: "公司注册、土地或厂房落实",
    Stage.STARTED: "施工许可或实质性开工（正式破土开槽）",
    Stage.IN_STATISTICS: "入库纳统（固定资产投资统计库）",
    Stage.COMPLETED: "竣工验收",
    Stage.IN_PRODUCTION: "投产运营",
    Stage.AT_CAPACITY: "达到设计产能和效益",
}


class Category(models.TextChoices):
    INDUSTRIAL = "industrial", "产业类"
    INFRASTRUCTURE = "infrastructure", "基础设施类"
    SERVICES = "services", "服务业类"
    SOCIAL = "social", "社会民生类"
    ECOLOGY = "ecology", "生态环保类"


# Infrastructure, social and ecology projects have no 投产/达产.
CATEGORIES_WITHOUT_PRODUCTION = (Category.INFRASTRUCTURE, Category.SOCIAL, Category.ECOLOGY)
PRODUCTION_STAGES = (Stage.IN_PRODUCTION, Stage.AT_CAPACITY)


class Level(models.TextChoices):
    PROVINCIAL = "provincial", "省重大"
    CITY = "city", "市重大"
    UNIT = "unit", "县区重点"


class Origin(models.TextChoices):
    DOMESTIC = "domestic", "内资"
    FOREIGN = "foreign", "外资"
    HMT = "hmt", "港澳台资"


class SizeClass(models.TextChoices):
    """Size classes from total investment (万元 thresholds)."""

    HUNDRED_YI = "100yi", "百亿级"
    FIFTY_YI = "50yi", "50亿级"
    TEN_YI = "10yi", "10亿级"
    ONE_YI = "1yi", "亿元以上"
    BELOW = "below", "亿元以下"


SIZE_THRESHOLDS_WAN = (
    (SizeClass.HUNDRED_YI, 1_000_000),
    (SizeClass.FIFTY_YI, 500_000),
    (SizeClass.TEN_YI, 100_000),
    (SizeClass.ONE_YI, 10_000),
)
CITY_FACTOR_THRESHOLD_WAN = 300_000  # ≥ 30 亿元: factor guarantee coordinated by the city
LARGE_FOREIGN_THRESHOLD_USD_WAN = 50_000  # ≥ 5 亿美元 foreign projects tracked apart
STATISTICS_THRESHOLD_WAN = 500  # ≥ 500 万元 enter the statistics database
FORM_206_1_THRESHOLD_WAN = 5_000  # ≥ 5,000 万元 report on form 206-1, else 206-2


class SuspensionKind(models.TextChoices):
    STOPPED = "stopped", "停建"
    DEFERRED = "deferred", "缓建"


class SuspensionReason(models.TextChoices):
    FUNDING = "funding", "资金不到位"
    MARKET = "market", "市场变化"
    POLICY = "policy", "政策调整"
    LAND = "land", "用地问题"
    APPROVAL = "approval", "审批手续"
    ENVIRONMENT = "environment", "环保督查"
    INVESTOR = "investor", "投资方原因"
    SEASON = "season", "季节性停工"
    OTHER = "other", "其他"


class TerminationReason(models.TextChoices):
    INVESTOR_WITHDREW = "investor_withdrew", "投资方退出"
    FUNDING = "funding", "资金链断裂"
    POLICY = "policy", "政策不符"
    LAND = "land", "用地无法保障"
    MERGED = "merged", "并入其他项目"
    OTHER = "other", "其他"


class NodeKind(models.TextChoices):
    """Nodes of the node plan (前期手续与节点计划)."""

    FILING = "filing", "备案/核准"
    LAND_SUPPLY = "land_supply", "土地供应/摘牌"
    PLANNING_PERMIT = "planning_permit", "规划许可"
    ENVIRONMENT_REVIEW = "environment_review", "环评"
    ENERGY_REVIEW = "energy_review", "能评"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可"
    STATISTICS_ENTRY = "statistics_entry", "入库纳统"
    COMPLETION_ACCEPTANCE = "completion_acceptance", "竣工验收"
    PRODUCTION = "production", "投产"
    OTHER = "other", "其他"


class NodeOutcome(models.TextChoices):
    PENDING = "pending", "未办结"
    DONE = "done", "已办结"
    NOT_NEEDED = "not_needed", "无需办理"


class TargetIndicator(models.TextChoices):
    """Indicators a unit is given targets for, per year or quarter."""

    SIGNED_COUNT = "signed_count", "新签约项目数"
    SIGNED_INVESTMENT = "signed_investment", "新签约项目总投资（万元）"
    STARTED_COUNT = "started_count", "新开工项目数"
    STARTED_INVESTMENT = "started_investment", "新开工项目总投资（万元）"
    COMPLETED_COUNT = "completed_count", "新竣工项目数"
    COMPLETED_INVESTMENT = "completed_investment", "新竣工项目总投资（万元）"
    ANNUAL_INVESTMENT = "annual_investment", "年度完成投资（万元）"
    LANDED_RATE = "landed_rate", "当年签约项目落地率"
    STARTED_RATE = "started_rate", "当年签约项目开工率"
    IN_STATISTICS_RATE = "in_statistics_rate", "当年签约项目列统率"


class ConfidenceRating(models.TextChoices):
    GREEN = "green", "绿"
    AMBER = "amber", "黄"
    RED = "red", "红"
