"""Choices of investment attraction (招商引资). The stage order of a lead is the law of
the domain (code); channels are the city's (data: ``Channel``)."""

from django.db import models
from django.utils.translation import gettext_noop


class LeadStage(models.TextChoices):
    """A lead's stages, in order: 信息 → 接洽 → 洽谈 → 签约, or 终止 from any open stage."""

    INFO = "info", "信息"
    CONTACT = "contact", "接洽"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    TERMINATED = "terminated", "终止"


# The stages a lead is advanced to by hand (签约 and 终止 have their own actions).
ADVANCE_STAGES = [(LeadStage.CONTACT, "接洽"), (LeadStage.NEGOTIATING, "洽谈")]
OPEN_STAGES = (LeadStage.INFO, LeadStage.CONTACT, LeadStage.NEGOTIATING)
STAGE_ORDER = {LeadStage.INFO: 1, LeadStage.CONTACT: 2, LeadStage.NEGOTIATING: 3}
# The date field of each stage reached (the funnel counts a lead at every stage it reached).
STAGE_DATE_FIELD = {
    LeadStage.INFO: "info_on",
    LeadStage.CONTACT: "contacted_on",
    LeadStage.NEGOTIATING: "negotiating_on",
    LeadStage.SIGNED: "signed_on",
    LeadStage.TERMINATED: "terminated_on",
}


class SourceTeam(models.TextChoices):
    BASE = "base", "招商大本营"
    TASKFORCE = "taskforce", "专班"
    GROUP = "group", "小组"


class Likelihood(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class LeadTerminationReason(models.TextChoices):
    INVESTOR_WITHDREW = "investor_withdrew", "投资方放弃"
    ELSEWHERE = "elsewhere", "落户外地"
    CONDITIONS = "conditions", "要素条件不满足"
    POLICY = "policy", "不符合产业政策"
    OTHER = "other", "其他"


class ChainSegment(models.TextChoices):
    """Where a link sits on its industry chain (招商图谱)."""

    UPSTREAM = "up", "上游"
    MIDSTREAM = "mid", "中游"
    DOWNSTREAM = "down", "下游"


class CampaignKind(models.TextChoices):
    HUNDRED_DAYS = "hundred_days", "百日攻坚"
    ARENA = "arena", "招商擂台赛"


# The indicators a campaign round sets per unit, and their default weights (the city's
# campaign keeps its own, as data).
CAMPAIGN_INDICATORS = {
    "signed_count": "新签约项目数",
    "signed_amount_wan": "新签约金额（万元）",
    "over_1yi": "亿元以上项目数",
    "over_10yi": "10亿元以上项目数",
    "over_50yi": "50亿元以上项目数",
    "foreign_usd_wan": "外资（万美元）",
    "new_starts": "新开工项目数",
}
DEFAULT_CAMPAIGN_WEIGHTS = {
    "signed_count": 25,
    "signed_amount_wan": 25,
    "over_1yi": 15,
    "over_10yi": 10,
    "over_50yi": 5,
    "foreign_usd_wan": 5,
    "new_starts": 15,
}


# The choice labels the pages show through {% translate %}, in this app's catalogue.
CHOICE_WORDS = (
    gettext_noop("信息"),
    gettext_noop("接洽"),
    gettext_noop("洽谈"),
    gettext_noop("签约"),
    gettext_noop("终止"),
    gettext_noop("招商大本营"),
    gettext_noop("专班"),
    gettext_noop("小组"),
    gettext_noop("高"),
    gettext_noop("中"),
    gettext_noop("低"),
    gettext_noop("投资方放弃"),
    gettext_noop("落户外地"),
    gettext_noop("要素条件不满足"),
    gettext_noop("不符合产业政策"),
    gettext_noop("其他"),
    gettext_noop("上游"),
    gettext_noop("中游"),
    gettext_noop("下游"),
    gettext_noop("百日攻坚"),
    gettext_noop("招商擂台赛"),
)
