"""Early-warning rules (预警规则): the thresholds a city sets for each rule, as data; the
integrity analytics' thresholds per city; the on-site check lists (抽查) and their results."""

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ballast.alerts import registry
from ballast.alerts.choices import SiteCheckStatus, ThresholdUnit
from ballast.core.models import BallastModel, Versioned
from ballast.core.validators import validate_plausible_date
from ballast.figures.integrity import DEFAULTS


class WarningRule(BallastModel):
    """One city's setting of one warning rule: on/off and its yellow and red thresholds.

    ``key`` names a rule of :mod:`ballast.alerts.registry` (``start_overdue``,
    ``stalled`` …). A city without a row for a rule uses the rule's registered defaults;
    :func:`ballast.alerts.services.ensure_default_rules` writes them as rows the city can
    then change. A rule fires yellow when its measure reaches ``yellow_threshold`` and red
    when it reaches ``red_threshold`` (see ``docs/warnings.md`` for each rule's measure).
    """

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="warning_rules"
    )
    key = models.CharField("规则", max_length=32)
    enabled = models.BooleanField("启用", default=True)
    yellow_threshold = models.DecimalField(
        "黄色预警阈值",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), "阈值不能为负数。")],
    )
    red_threshold = models.DecimalField(
        "红色预警阈值",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), "阈值不能为负数。")],
    )
    threshold_unit = models.CharField("阈值单位", max_length=8, choices=ThresholdUnit.choices)
    description = models.TextField("说明", blank=True)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ("city", "key")
        constraints = [
            models.UniqueConstraint(fields=("city", "key"), name="warning_rule_once_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.label}"

    @property
    def label(self) -> str:
        registered = registry.get(self.key)
        return registered.label if registered else self.key

    def clean(self):
        super().clean()
        errors = {}
        if self.key and registry.get(self.key) is None:
            errors["key"] = f"未知的预警规则“{self.key}”。"
        if (
            self.yellow_threshold is not None
            and self.red_threshold is not None
            and self.red_threshold < self.yellow_threshold
        ):
            errors["red_threshold"] = "红色预警阈值不能低于黄色预警阈值。"
        if self.threshold_unit in (ThresholdUnit.MONTHS, ThresholdUnit.DAYS):
            for field in ("yellow_threshold", "red_threshold"):
                value = getattr(self, field)
                if value is not None and value != value.to_integral_value():
                    errors[field] = "按月或按天计的阈值应为整数。"
        if errors:
            raise ValidationError(errors)

    def months(self, field: str = "yellow") -> int:
        """A threshold counted in whole months (or days)."""
        return int(getattr(self, f"{field}_threshold"))


class IntegrityThreshold(BallastModel):
    """One city's own value of one threshold of the integrity analytics (数据质量与防虚报
    阈值): ``key`` names a key of :data:`ballast.figures.integrity.DEFAULTS`. A city
    without a row for a key uses the default (and the ``BALLAST_INTEGRITY`` setting);
    every change is kept in the history with who made it and why."""

    city = models.ForeignKey(
        "regions.Region",
        verbose_name="市",
        on_delete=models.PROTECT,
        related_name="integrity_thresholds",
    )
    key = models.CharField("阈值", max_length=40)
    value = models.DecimalField(
        "取值",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), "阈值不能为负数。")],
    )

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "数据质量阈值"
        verbose_name_plural = "数据质量阈值"
        ordering = ("city", "key")
        constraints = [
            models.UniqueConstraint(fields=("city", "key"), name="integrity_threshold_once")
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.key}={self.value}"

    def clean(self):
        super().clean()
        if self.key not in DEFAULTS:
            raise ValidationError({"key": f"未知的数据质量阈值“{self.key}”。"})
        if (
            isinstance(DEFAULTS[self.key], int)
            and self.value is not None
            and self.value != self.value.to_integral_value()
        ):
            raise ValidationError({"value": "该阈值是笔数或份数，应为整数。"})


class CheckDraw(BallastModel):
    """A city's on-site check list (抽查清单) of one month: the projects drawn, risk-
    weighted, by :func:`ballast.figures.integrity.draw_checks` from ``seed`` — the same
    seed, month and data draw the same list, so anyone can re-draw it to verify it."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="check_draws"
    )
    month = models.DateField(
        "抽查月份", help_text="当月第一天", validators=[validate_plausible_date]
    )
    seed = models.CharField("随机种子", max_length=64)
    size = models.PositiveIntegerField("抽取数量")
    as_of = models.DateField("风险提示截至", validators=[validate_plausible_date])
    drawn_by = models.ForeignKey(
        "accounts.User", verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    access_group = "spotcheck"
    city_path = "city"

    class Meta:
        verbose_name = "现场抽查清单"
        verbose_name_plural = "现场抽查清单"
        ordering = ("-month", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("city", "month"), name="check_draw_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="check_draw_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.city.name}{self.month:%Y年%m月}现场抽查清单"


class SiteCheck(Versioned, BallastModel):
    """One project of a :class:`CheckDraw` and what the checker found on site: the month's
    investment found, the works done seen (%), notes. A check that finds less than was
    reported corrects the report by an amendment whose reason names the check."""

    draw = models.ForeignKey(
        CheckDraw, verbose_name="抽查清单", on_delete=models.CASCADE, related_name="checks"
    )
    rank = models.PositiveIntegerField("序号")
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        "reports.MonthlyReport", verbose_name="月报", on_delete=models.PROTECT, related_name="+"
    )
    weight = models.PositiveIntegerField("权重")
    reasons = models.TextField("抽中原因", blank=True)
    reported_investment = models.DecimalField(
        "抽取时月报完成投资（万元）", max_digits=16, decimal_places=2
    )
    status = models.CharField(
        "状态", max_length=16, choices=SiteCheckStatus.choices, default=SiteCheckStatus.PENDING
    )
    found_investment = models.DecimalField(
        "核实当月完成投资（万元）",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0), "核实投资不能为负数。")],
    )
    percent_seen = models.DecimalField(
        "核实工程完成比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    notes = models.TextField("核查情况", blank=True)
    checked_on = models.DateField(
        "核查日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    checked_by = models.ForeignKey(
        "accounts.User",
        verbose_name="核查人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amended = models.BooleanField("已据此更正月报", default=False)
    # On-site photos and documents (现场照片与资料): ``attachments.Attachment`` rows owned
    # by the check (``policy.ATTACHMENT_OWNERS``), read here for the API and the export.
    attachments = GenericRelation(
        "attachments.Attachment", content_type_field="owner_type", object_id_field="owner_id"
    )

    access_group = "spotcheck"
    unit_path = "project__unit"
    # The check's files are not filed under the project: the project's history is read by
    # the unit checked, to whom a check is not announced.
    attachment_project = None

    class Meta:
        verbose_name = "现场抽查"
        verbose_name_plural = "现场抽查"
        ordering = ("draw", "rank")
        constraints = [
            models.UniqueConstraint(fields=("draw", "rank"), name="site_check_rank_once"),
            models.UniqueConstraint(fields=("draw", "project"), name="site_check_project_once"),
        ]

    def __str__(self) -> str:
        return f"{self.draw} 第{self.rank}号 {self.project.name}"

    @property
    def label(self) -> str:
        """How an amendment's reason names this check."""
        return f"{self.draw.month:%Y年%m月}现场抽查第{self.rank}号（清单{self.draw_id}）"
