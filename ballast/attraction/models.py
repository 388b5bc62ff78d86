"""Investment attraction (招商引资): the city's channels, the leads (招商线索 / 在谈项目)
with their contacts log. A signed lead becomes a project (``services.lead_sign``) and
stays linked to it."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from ballast.attraction.choices import (
    DEFAULT_CAMPAIGN_WEIGHTS,
    CampaignKind,
    ChainSegment,
    LeadStage,
    LeadTerminationReason,
    Likelihood,
    SourceTeam,
)
from ballast.core.models import BallastModel, Versioned
from ballast.core.validators import validate_credit_code
from ballast.projects.models import PLAUSIBLE_DATE, money_field


class Channel(BallastModel):
    """A channel of attraction the city sets (产业链招商, 基金招商, 乡贤招商, 驻点招商 …)."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="channels"
    )
    code = models.SlugField("代码", max_length=32)
    name = models.CharField("名称", max_length=32)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "招商渠道"
        verbose_name_plural = "招商渠道"
        ordering = ("sort_order", "id")
        constraints = [
            models.UniqueConstraint(fields=("city", "code"), name="channel_code_once_per_city")
        ]

    def __str__(self) -> str:
        return self.name


_NOISE = re.compile(r"[\s（）()·,，.。、\-—_]+")


def match_key(text: str) -> str:
    """The form of a name two units would both type: no spaces, brackets or punctuation,
    case folded — ``"扬州 (中国) 新能源有限公司"`` and ``"扬州（中国）新能源有限公司"`` match."""
    return _NOISE.sub("", text or "").casefold()


class Lead(Versioned, BallastModel):
    """A lead (招商线索 / 在谈项目) of one unit: an investor's intended project, followed
    through 信息 → 接洽 → 洽谈 → 签约 or 终止. The dates of the stages reached are kept
    (the funnel counts them); a signed lead is linked to the project it became.

    ``duplicate_of``: the city found it to be the same investor and project as another
    unit's lead and kept that one; both keep their own contacts and history.
    """

    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="所属板块",
        on_delete=models.PROTECT,
        related_name="leads",
        limit_choices_to={"is_assessment_unit": True},
    )
    investor = models.CharField("投资方", max_length=128)
    investor_credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    is_fortune500 = models.BooleanField("世界500强", default=False)
    is_central_soe = models.BooleanField("央企", default=False)
    is_listed = models.BooleanField("上市公司", default=False)
    project_name = models.CharField("意向项目", max_length=128)
    amount = money_field("意向投资额（万元）")
    amount_usd = money_field("其中外资（万美元）", null=True, blank=True)
    cluster = models.ForeignKey(
        "projects.IndustryCluster",
        verbose_name="产业集群",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    link = models.ForeignKey(
        "attraction.ChainLink",
        verbose_name="产业链环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    channel = models.ForeignKey(
        Channel, verbose_name="招商渠道", on_delete=models.PROTECT, related_name="leads"
    )
    source_team = models.CharField(
        "来源团队", max_length=16, choices=SourceTeam.choices, default=SourceTeam.GROUP
    )
    responsible_person = models.CharField("责任人", max_length=32, blank=True)
    stage = models.CharField(
        "阶段", max_length=16, choices=LeadStage.choices, default=LeadStage.INFO
    )
    likelihood = models.CharField(
        "成功可能性", max_length=8, choices=Likelihood.choices, default=Likelihood.MEDIUM
    )
    expected_signing_month = models.DateField(
        "预计签约月份", null=True, blank=True, validators=PLAUSIBLE_DATE, help_text="当月第一天"
    )
    info_on = models.DateField("获得信息日期", validators=PLAUSIBLE_DATE)
    contacted_on = models.DateField("接洽日期", null=True, blank=True, validators=PLAUSIBLE_DATE)
    negotiating_on = models.DateField("洽谈日期", null=True, blank=True, validators=PLAUSIBLE_DATE)
    signed_on = models.DateField("签约日期", null=True, blank=True, validators=PLAUSIBLE_DATE)
    terminated_on = models.DateField("终止日期", null=True, blank=True, validators=PLAUSIBLE_DATE)
    termination_reason = models.CharField(
        "终止原因", max_length=24, choices=LeadTerminationReason.choices, blank=True
    )
    termination_note = models.TextField("终止说明", blank=True)
    confidential = models.BooleanField(
        "投资方保密", default=False, help_text="市里标记后，其他板块看不到投资方名称"
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="重复线索（保留的线索）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    duplicate_note = models.TextField("重复处理说明", blank=True)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name="签约项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
    )
    investor_key = models.CharField(max_length=160, editable=False, db_index=True, default="")
    project_key = models.CharField(max_length=160, editable=False, default="")

    access_group = "lead"
    unit_path = "unit"

    class Meta:
        verbose_name = "招商线索"
        verbose_name_plural = "招商线索"
        ordering = ("unit__sort_order", "-info_on", "id")
        indexes = [models.Index(fields=("unit", "stage"))]

    def __str__(self) -> str:
        return self.project_name

    @property
    def is_open(self) -> bool:
        return self.stage in (LeadStage.INFO, LeadStage.CONTACT, LeadStage.NEGOTIATING)

    def save(self, *args, **kwargs):
        self.investor_key = self.investor_credit_code.upper() or match_key(self.investor)
        self.project_key = match_key(self.project_name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.cluster_id and self.unit_id and self.cluster.city_id != self.unit.city_id:
            errors["cluster"] = "产业集群应属于线索所在市。"
        if self.link_id and self.cluster_id and self.link.cluster_id != self.cluster_id:
            errors["link"] = "产业链环节应属于所选产业集群。"
        if self.channel_id and self.unit_id and self.channel.city_id != self.unit.city_id:
            errors["channel"] = "招商渠道应属于线索所在市。"
        order = [
            ("info_on", "获得信息"),
            ("contacted_on", "接洽"),
            ("negotiating_on", "洽谈"),
            ("signed_on", "签约"),
        ]
        last = None
        for field, label in order:
            value = getattr(self, field)
            if value is None:
                continue
            if last is not None and value < last[0]:
                errors[field] = f"{label}日期 {value} 早于{last[1]}日期 {last[0]}。"
                break
            last = (value, label)
        if self.stage == LeadStage.TERMINATED and not self.termination_reason:
            errors["termination_reason"] = "终止的线索须说明终止原因。"
        if errors:
            raise ValidationError(errors)


class LeadContact(BallastModel):
    """One entry of a lead's contacts log (对接记录): who met whom, what, the next step."""

    lead = models.ForeignKey(
        Lead, verbose_name="招商线索", on_delete=models.CASCADE, related_name="contacts"
    )
    date = models.DateField("日期", validators=PLAUSIBLE_DATE)
    ours = models.CharField("我方人员", max_length=128)
    theirs = models.CharField("对方人员", max_length=128)
    content = models.TextField("对接内容")
    next_step = models.CharField("下一步", max_length=200, blank=True)
    next_on = models.DateField("下一步日期", null=True, blank=True, validators=PLAUSIBLE_DATE)

    access_group = "lead"
    unit_path = "lead__unit"

    class Meta:
        verbose_name = "对接记录"
        verbose_name_plural = "对接记录"
        ordering = ("-date", "-id")

    def __str__(self) -> str:
        return f"{self.date} {self.theirs}"

    def clean(self):
        super().clean()
        if self.next_on and self.date and self.next_on < self.date:
            raise ValidationError({"next_on": "下一步日期不能早于对接日期。"})


class ChainLink(BallastModel):
    """A link of a cluster's industry chain (招商图谱): upstream, midstream or downstream,
    as the city edits (or imports) it. Its projects are linked by the city; its leads name
    it; a link with neither is a gap (缺链) that attraction should fill."""

    cluster = models.ForeignKey(
        "projects.IndustryCluster",
        verbose_name="产业集群",
        on_delete=models.CASCADE,
        related_name="chain_links",
    )
    segment = models.CharField("环节", max_length=8, choices=ChainSegment.choices)
    name = models.CharField("链节名称", max_length=64)
    sort_order = models.PositiveIntegerField("排序", default=0)
    projects = models.ManyToManyField(
        "projects.Project", verbose_name="链上项目", blank=True, related_name="chain_links"
    )

    access_group = "config"
    city_path = "cluster__city"

    class Meta:
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"
        ordering = ("cluster__sort_order", "segment", "sort_order", "id")
        constraints = [
            models.UniqueConstraint(fields=("cluster", "name"), name="chain_link_once_per_cluster")
        ]

    def __str__(self) -> str:
        return f"{self.cluster.name} · {self.name}"


class TargetEnterprise(BallastModel):
    """An enterprise the city lists as a target for a chain link (目标企业)."""

    link = models.ForeignKey(
        ChainLink, verbose_name="产业链环节", on_delete=models.CASCADE, related_name="targets"
    )
    name = models.CharField("企业名称", max_length=128)
    note = models.CharField("说明", max_length=200, blank=True)

    access_group = "config"
    city_path = "link__cluster__city"

    class Meta:
        verbose_name = "目标企业"
        verbose_name_plural = "目标企业"
        ordering = ("link", "id")

    def __str__(self) -> str:
        return self.name


class ReserveTier(BallastModel):
    """A tier of the reserve pool (储备库梯次) the city sets — e.g. 谋划 → 预备 → 成熟 — with
    the conditions a project must meet to be in it (land, filing, funding)."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="reserve_tiers"
    )
    code = models.SlugField("代码", max_length=32)
    name = models.CharField("名称", max_length=32)
    order = models.PositiveSmallIntegerField("顺序", help_text="越大越成熟")
    needs_land = models.BooleanField("须落实用地", default=False)
    needs_filing = models.BooleanField("须完成立项备案", default=False)
    needs_funding = models.BooleanField("须落实资金", default=False)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "储备库梯次"
        verbose_name_plural = "储备库梯次"
        ordering = ("city", "order")
        constraints = [
            models.UniqueConstraint(fields=("city", "code"), name="reserve_tier_once_per_city")
        ]

    def __str__(self) -> str:
        return self.name

    def missing(self, *, land: bool, filing: bool, funding: bool) -> list[str]:
        """The conditions of this tier that a project with these readiness flags lacks."""
        lacks = []
        if self.needs_land and not land:
            lacks.append("用地")
        if self.needs_filing and not filing:
            lacks.append("立项备案")
        if self.needs_funding and not funding:
            lacks.append("资金")
        return lacks


class ReserveEntry(BallastModel):
    """A project in the reserve pool (储备库), its tier and the readiness of its
    conditions; ``entered_on`` the day it entered the pool (谋划储备一批 counts it)."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="reserve_entry",
    )
    tier = models.ForeignKey(
        ReserveTier, verbose_name="梯次", on_delete=models.PROTECT, related_name="entries"
    )
    land_ready = models.BooleanField("用地已落实", default=False)
    filing_ready = models.BooleanField("立项备案已完成", default=False)
    funding_ready = models.BooleanField("资金已落实", default=False)
    entered_on = models.DateField("入库日期", validators=PLAUSIBLE_DATE)

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "储备项目"
        verbose_name_plural = "储备项目"
        ordering = ("-tier__order", "project")

    def __str__(self) -> str:
        return f"{self.project} · {self.tier}"

    def clean(self):
        super().clean()
        if self.tier_id and self.project_id and self.tier.city_id != self.project.unit.city_id:
            raise ValidationError({"tier": "梯次应属于项目所在市。"})


def default_weights() -> dict:
    """The weights campaigns had before their schemes became assessment schemes; only
    migration 0003 names this default (0004 turned weights into schemes)."""
    return dict(DEFAULT_CAMPAIGN_WEIGHTS)


class Campaign(BallastModel):
    """A campaign (百日攻坚 / 招商擂台赛) of the city: rounds with dates, per-unit targets
    per round, and its scheme — an assessment scheme (考核方案) of the 攻坚轮次 kind held as
    data, its indicators scored against each round's targets. Without one, the shipped
    scheme (``attraction/data/campaign_scheme.yaml``) scores it."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("名称", max_length=64)
    kind = models.CharField(
        "类型", max_length=16, choices=CampaignKind.choices, default=CampaignKind.HUNDRED_DAYS
    )
    scheme = models.ForeignKey(
        "assessments.Scheme",
        verbose_name="计分方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"period_kind": "round"},
        help_text="考核方案中“攻坚轮次”类的方案；为空时按默认计分办法",
    )

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "招商攻坚活动"
        verbose_name_plural = "招商攻坚活动"
        ordering = ("city", "-id")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.scheme_id and self.city_id and self.scheme.city_id != self.city_id:
            raise ValidationError({"scheme": "计分方案应属于活动所在市。"})
        if self.scheme_id and self.scheme.period_kind != "round":
            raise ValidationError({"scheme": "计分方案应为“攻坚轮次”类的考核方案。"})


class CampaignRound(BallastModel):
    """A round of a campaign (第N轮), assessed on what was signed and started in its dates."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField("轮次")
    start = models.DateField("开始日期", validators=PLAUSIBLE_DATE)
    end = models.DateField("结束日期", validators=PLAUSIBLE_DATE)

    access_group = "config"
    city_path = "campaign__city"

    class Meta:
        verbose_name = "攻坚轮次"
        verbose_name_plural = "攻坚轮次"
        ordering = ("campaign", "number")
        constraints = [
            models.UniqueConstraint(fields=("campaign", "number"), name="round_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name} 第{self.number}轮"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于开始日期。"})


class RoundTarget(BallastModel):
    """A unit's targets for one round (a blank or zero target is not scored)."""

    round = models.ForeignKey(
        CampaignRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="板块",
        on_delete=models.PROTECT,
        related_name="round_targets",
        limit_choices_to={"is_assessment_unit": True},
    )
    signed_count = models.PositiveIntegerField("新签约项目数", default=0)
    signed_amount_wan = money_field("新签约金额（万元）", default=Decimal(0))
    over_1yi = models.PositiveIntegerField("亿元以上项目数", default=0)
    over_10yi = models.PositiveIntegerField("10亿元以上项目数", default=0)
    over_50yi = models.PositiveIntegerField("50亿元以上项目数", default=0)
    foreign_usd_wan = money_field("外资（万美元）", default=Decimal(0))
    new_starts = models.PositiveIntegerField("新开工项目数", default=0)

    access_group = "config"
    city_path = "round__campaign__city"

    class Meta:
        verbose_name = "轮次目标"
        verbose_name_plural = "轮次目标"
        constraints = [
            models.UniqueConstraint(fields=("round", "unit"), name="round_target_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.unit}"
