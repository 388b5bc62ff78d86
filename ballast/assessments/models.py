"""Assessment schemes as data (季度比、半年评、年度考), manual scores, published results,
and the 亩均论英雄 evaluation of producing industrial projects."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from ballast.assessments.choices import (
    DEFAULT_CAP,
    DEFAULT_CLASS_CUTOFFS,
    Direction,
    EfficiencyIndicator,
    Method,
    PeriodKind,
)
from ballast.assessments.registry import data_keys
from ballast.core.models import BallastModel, Versioned
from ballast.core.periods import Period
from ballast.core.validators import validate_plausible_date

NON_NEGATIVE = [MinValueValidator(Decimal(0), "不能为负数。")]


def _decimal(value, label: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"{label}应为数字，而不是“{value}”。") from None


def validate_period_text(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class Scheme(BallastModel):
    """An assessment scheme (考核方案): a named list of weighted indicators for a period kind."""

    city = models.ForeignKey(
        "regions.Region",
        verbose_name="设区市",
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
    )
    name = models.CharField("名称", max_length=64)
    slug = models.SlugField("代码", max_length=64)
    period_kind = models.CharField("考核周期", max_length=16, choices=PeriodKind.choices)
    description = models.TextField("说明", blank=True)
    active = models.BooleanField("启用", default=True)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ("city", "name")
        constraints = [
            models.UniqueConstraint(fields=("city", "slug"), name="scheme_slug_once"),
            models.UniqueConstraint(fields=("city", "name"), name="scheme_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def total_weight(self) -> Decimal:
        return sum((i.weight for i in self.indicators.all()), Decimal(0))


class Indicator(BallastModel):
    """One indicator of a scheme: a figure key, a weight and a scoring method.

    ``params`` by method: ``target_share`` — ``cap`` (default 1.2) and where the target
    comes from (``target``: a unit-target indicator, ``target_key``: another figure key,
    ``target_value``: a constant); ``rank`` — ``step``; ``bands`` — ``bands``: a list of
    ``[threshold, points]``; ``manual`` — ``max`` (the full mark of the entered scores);
    every method — ``higher_is_better`` (default true).
    """

    scheme = models.ForeignKey(
        Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveIntegerField("排序", default=0)
    key = models.CharField(
        "指标代码",
        max_length=64,
        help_text="数据指标代码，如 new.started.count；人工评分如 tour.score",
    )
    label = models.CharField("指标名称", max_length=64)
    weight = models.DecimalField(
        "权重（分）", max_digits=8, decimal_places=2, validators=NON_NEGATIVE
    )
    method = models.CharField("计分方法", max_length=16, choices=Method.choices)
    params = models.JSONField("参数", default=dict, blank=True)

    access_group = "config"
    city_path = "scheme__city"

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ("scheme", "order", "id")
        constraints = [models.UniqueConstraint(fields=("scheme", "key"), name="indicator_key_once")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.label}"

    def clean(self):
        super().clean()
        try:
            validate_params(self.method, self.params, self.weight)
        except ValidationError as exc:
            raise ValidationError({"params": exc.messages}) from exc
        kind = self.scheme.period_kind if self.scheme_id else None
        if self.method != Method.MANUAL and self.key not in data_keys(kind):
            raise ValidationError({"key": f"数据键“{self.key}”不存在（见 docs/figures.md）。"})


def validate_params(method: str, params, weight=None) -> None:
    """Refuse parameters that do not fit the method, with a Chinese message."""
    if not isinstance(params, dict):
        raise ValidationError("参数应为键值对。")
    if "higher_is_better" in params and not isinstance(params["higher_is_better"], bool):
        raise ValidationError("higher_is_better 应为 true 或 false。")
    if method == Method.TARGET_SHARE:
        if "cap" in params and _decimal(params["cap"], "封顶系数 cap") <= 0:
            raise ValidationError("封顶系数 cap 应大于 0。")
        sources = [k for k in ("target", "target_key", "target_value") if k in params]
        if len(sources) > 1:
            raise ValidationError("target、target_key、target_value 只能填写一个。")
        if "target_value" in params:
            _decimal(params["target_value"], "目标值 target_value")
    elif method == Method.RANK:
        if "step" not in params:
            raise ValidationError("排名赋分须填写每降一位扣减的分值 step。")
        if _decimal(params["step"], "step") < 0:
            raise ValidationError("step 不能为负数。")
    elif method == Method.BANDS:
        bands = params.get("bands")
        if not isinstance(bands, list) or not bands:
            raise ValidationError("分档赋分须填写 bands：[[门槛, 分值], …]。")
        for band in bands:
            if not isinstance(band, list | tuple) or len(band) != 2:
                raise ValidationError("bands 的每一档应为 [门槛, 分值]。")
            points = _decimal(band[1], "分档分值")
            _decimal(band[0], "分档门槛")
            if weight is not None and points > Decimal(str(weight)):
                raise ValidationError(f"分档分值 {band[1]} 超过指标权重 {weight}。")
    elif method == Method.MANUAL:
        if "max" in params and _decimal(params["max"], "满分 max") <= 0:
            raise ValidationError("满分 max 应大于 0。")
    else:
        raise ValidationError(f"未知的计分方法“{method}”。")


class ManualScore(Versioned, BallastModel):
    """One judge's score of a unit (and optionally one of its projects) on a manual
    indicator for a period — e.g. a site-tour (观摩) score."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name="考核指标",
        on_delete=models.CASCADE,
        related_name="manual_scores",
        limit_choices_to={"method": Method.MANUAL},
    )
    period = models.CharField("期间", max_length=8, help_text="如 2023Q1")
    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="板块",
        on_delete=models.PROTECT,
        related_name="manual_scores",
        limit_choices_to={"is_assessment_unit": True},
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="观摩项目",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="manual_scores",
    )
    judge = models.CharField("评委", max_length=64)
    score = models.DecimalField("得分", max_digits=8, decimal_places=2, validators=NON_NEGATIVE)

    access_group = "assessment"
    unit_path = "unit"

    class Meta:
        verbose_name = "人工评分"
        verbose_name_plural = "人工评分"
        ordering = ("indicator", "period", "unit", "project", "judge")

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.judge}: {self.score}"

    def clean(self):
        super().clean()
        errors = {}
        try:
            validate_period_text(self.period)
        except ValidationError as exc:
            errors["period"] = exc.messages
        if self.indicator_id and self.indicator.method != Method.MANUAL:
            errors["indicator"] = "只有人工评分指标可以录入评分。"
        if self.project_id and self.unit_id and self.project.unit_id != self.unit_id:
            errors["project"] = "观摩项目应属于该板块。"
        if self.indicator_id and self.score is not None:
            full = self.indicator.params.get("max")
            if full is not None and self.score > Decimal(str(full)):
                errors["score"] = f"得分不能超过满分 {full}。"
        if errors:
            raise ValidationError(errors)


class PublishedResult(BallastModel):
    """The results of a scheme for a period as published: frozen, never recomputed."""

    scheme = models.ForeignKey(
        Scheme, verbose_name="方案", on_delete=models.PROTECT, related_name="published_results"
    )
    period = models.CharField("期间", max_length=8)
    as_of = models.DateField("数据截至", validators=[validate_plausible_date])
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    results = models.JSONField("结果", default=list)
    figures = models.JSONField("所用数据", default=dict)

    access_group = "assessment"
    city_path = "scheme__city"

    class Meta:
        verbose_name = "已发布考核结果"
        verbose_name_plural = "已发布考核结果"
        ordering = ("scheme", "-period")
        constraints = [
            models.UniqueConstraint(fields=("scheme", "period"), name="published_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period}"


class EfficiencyRecord(BallastModel):
    """A producing industrial project's yearly figures for 亩均论英雄."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="efficiency_records",
    )
    year = models.PositiveIntegerField("年度")
    tax = models.DecimalField(
        "入库税收（万元）", max_digits=16, decimal_places=2, validators=NON_NEGATIVE
    )
    sales = models.DecimalField(
        "开票销售（万元）", max_digits=16, decimal_places=2, validators=NON_NEGATIVE
    )
    value_added = models.DecimalField(
        "工业增加值（万元）",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    energy = models.DecimalField(
        "综合能耗（吨标煤）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    emissions = models.DecimalField(
        "主要污染物排放当量（吨）",
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    rd_spending = models.DecimalField(
        "研发经费（万元）",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    employees = models.PositiveIntegerField("年平均职工人数", null=True, blank=True)
    land_area = models.DecimalField(
        "用地（亩）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="留空则取项目用地面积",
    )

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "亩均效益数据"
        verbose_name_plural = "亩均效益数据"
        ordering = ("-year", "project")
        constraints = [
            models.UniqueConstraint(fields=("project", "year"), name="efficiency_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class EfficiencyScheme(BallastModel):
    """A 亩均 evaluation scheme: indicators with benchmark, weight and direction, and the
    class cut-offs (A top 25%, B to 70%, C to 95%, D the rest by default).

    ``indicators`` is a list of ``{"key", "weight", "benchmark", "direction"}`` with keys
    from :class:`EfficiencyIndicator`; ``class_cutoffs`` maps A, B, C to the cumulative
    share of graded projects at the bottom of each class.
    """

    city = models.ForeignKey(
        "regions.Region",
        verbose_name="设区市",
        on_delete=models.PROTECT,
        related_name="efficiency_schemes",
    )
    name = models.CharField("名称", max_length=64)
    slug = models.SlugField("代码", max_length=64)
    description = models.TextField("说明", blank=True)
    indicators = models.JSONField("指标", default=list)
    cap = models.DecimalField(
        "单项封顶系数",
        max_digits=6,
        decimal_places=2,
        default=DEFAULT_CAP,
        help_text="单项指标值/基准值的上限，如 1.2",
    )
    class_cutoffs = models.JSONField("分类线", default=dict, blank=True)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "亩均评价方案"
        verbose_name_plural = "亩均评价方案"
        ordering = ("city", "name")
        constraints = [
            models.UniqueConstraint(fields=("city", "slug"), name="efficiency_scheme_slug_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cutoffs(self) -> dict[str, Decimal]:
        data = {**DEFAULT_CLASS_CUTOFFS, **(self.class_cutoffs or {})}
        return {k: Decimal(str(data[k])) for k in ("A", "B", "C")}

    def clean(self):
        super().clean()
        errors = []
        if not isinstance(self.indicators, list) or not self.indicators:
            errors.append("至少需要一个指标。")
        else:
            seen = set()
            for item in self.indicators:
                if not isinstance(item, dict):
                    errors.append("每个指标应为键值对。")
                    continue
                key = item.get("key")
                if key not in EfficiencyIndicator.values:
                    errors.append(f"未知的亩均指标“{key}”。")
                if key in seen:
                    errors.append(f"指标“{key}”重复。")
                seen.add(key)
                try:
                    if _decimal(item.get("weight"), "权重") < 0:
                        errors.append("权重不能为负数。")
                    if _decimal(item.get("benchmark"), "基准值") <= 0:
                        errors.append(f"指标“{key}”的基准值应大于 0。")
                except ValidationError as exc:
                    errors.extend(exc.messages)
                if item.get("direction", Direction.HIGHER) not in Direction.values:
                    errors.append("方向应为 higher 或 lower。")
        try:
            cut = self.cutoffs
            if not (0 <= cut["A"] <= cut["B"] <= cut["C"] <= 1):
                errors.append("分类线应满足 0 ≤ A ≤ B ≤ C ≤ 1。")
        except (InvalidOperation, KeyError, TypeError):
            errors.append("分类线应为 A、B、C 三个 0–1 之间的数。")
        if self.cap is not None and self.cap <= 0:
            errors.append("封顶系数应大于 0。")
        if errors:
            raise ValidationError(errors)
