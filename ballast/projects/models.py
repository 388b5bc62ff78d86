"""Projects and their lifecycle: stage events, suspensions, terminations, node plans,
annual plans with monthly curves, unit targets and delivery-confidence ratings."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When

from ballast.core.models import BallastModel, Versioned
from ballast.core.periods import Period
from ballast.core.validators import (
    validate_credit_code,
    validate_plausible_date,
    validate_project_code,
)
from ballast.projects.choices import (
    SIZE_THRESHOLDS_WAN,
    STAGE_ORDER,
    Category,
    ConfidenceRating,
    Level,
    NodeKind,
    NodeOutcome,
    Origin,
    SizeClass,
    Stage,
    SuspensionKind,
    SuspensionReason,
    TargetIndicator,
    TerminationReason,
)

NON_NEGATIVE = [MinValueValidator(Decimal(0), "不能为负数。")]
PLAUSIBLE_DATE = [validate_plausible_date]  # 1990–2100, every date of the domain


def money_field(verbose_name, **kwargs):
    """An exact amount in 万元 (or 万美元 where named)."""
    kwargs.setdefault("validators", NON_NEGATIVE)
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


class IndustryCluster(BallastModel):
    """An industry cluster of the city's configurable list (e.g. Yangzhou's 13 clusters)."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="所属市", on_delete=models.PROTECT, related_name="clusters"
    )
    code = models.SlugField("代码", max_length=32)
    name = models.CharField("名称", max_length=64)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "产业集群"
        verbose_name_plural = "产业集群"
        ordering = ("sort_order", "name")
        constraints = [models.UniqueConstraint(fields=("city", "code"), name="cluster_unique_code")]

    def __str__(self) -> str:
        return self.name


def size_class_expression(field: str = "total_investment"):
    """The size class as a database expression, for filters and aggregates."""
    whens = [
        When(**{f"{field}__gte": threshold}, then=Value(cls.value))
        for cls, threshold in SIZE_THRESHOLDS_WAN
    ]
    return Case(*whens, default=Value(SizeClass.BELOW.value), output_field=models.CharField())


def size_class_of(total_investment_wan) -> str:
    for cls, threshold in SIZE_THRESHOLDS_WAN:
        if total_investment_wan is not None and total_investment_wan >= threshold:
            return cls.value
    return SizeClass.BELOW.value


class Project(Versioned, BallastModel):
    """A major investment project (重大项目) of one assessment unit.

    ``total_investment`` and ``planned_completion`` are the current forecast;
    ``baseline_total_investment`` and ``baseline_completion`` keep the original values
    (set when the project is created) for the overrun figures.
    """

    # The linked leaders (挂钩领导) are kept in the project's history too: who was linked
    # when, by whom (simple-history's per-model m2m tracking).
    _history_m2m_fields = ["leaders"]

    code = models.CharField(
        "项目代码",
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_project_code],
        help_text="投资项目在线审批监管平台赋码，如 2023-321000-39-03-012345",
    )
    name = models.CharField("项目名称", max_length=128)
    investor = models.CharField("建设单位/投资主体", max_length=128, blank=True)
    investor_credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    origin = models.CharField(
        "资金来源", max_length=16, choices=Origin.choices, default=Origin.DOMESTIC
    )
    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="所属板块",
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"is_assessment_unit": True},
    )
    district = models.ForeignKey(
        "regions.Region",
        verbose_name="所在行政区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="located_projects",
    )
    address = models.CharField("建设地点", max_length=200, blank=True)
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(73)), MaxValueValidator(Decimal(136))],
    )
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(3)), MaxValueValidator(Decimal(54))],
    )
    cluster = models.ForeignKey(
        IndustryCluster,
        verbose_name="产业集群",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    category = models.CharField(
        "项目类别", max_length=16, choices=Category.choices, default=Category.INDUSTRIAL
    )
    level = models.CharField("项目层级", max_length=16, choices=Level.choices, default=Level.CITY)
    total_investment = money_field("总投资（万元）")
    foreign_investment = money_field("其中外资（万美元）", null=True, blank=True)
    land_area = models.DecimalField(
        "用地（亩）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    floor_area = models.DecimalField(
        "建筑面积（㎡）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    content = models.TextField("建设内容", blank=True)
    capacity = models.CharField(
        "形成能力", max_length=200, blank=True, help_text="如“14GW 切片和电池片、10GW 组件”"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级项目（分期）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="phases",
    )
    phase_label = models.CharField("分期", max_length=16, blank=True, help_text="如 一期、二期")
    planned_start = models.DateField(
        "计划开工日期", null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    planned_completion = models.DateField(
        "计划竣工日期", null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    planned_full_output = models.DateField(
        "计划达产日期", null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    expected_annual_sales = money_field("达产后年开票销售（万元）", null=True, blank=True)
    expected_annual_tax = money_field("达产后年入库税收（万元）", null=True, blank=True)
    baseline_total_investment = money_field(
        "基准总投资（万元）", null=True, blank=True, editable=False
    )
    baseline_completion = models.DateField(
        "基准竣工日期", null=True, blank=True, editable=False, validators=PLAUSIBLE_DATE
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="挂钩领导",
        blank=True,
        related_name="linked_projects",
    )
    service_team = models.CharField("服务专班", max_length=128, blank=True)
    responsible_officer = models.CharField("责任人", max_length=32, blank=True)
    responsible_phone = models.CharField("责任人电话", max_length=32, blank=True)
    enterprise_contact = models.CharField("企业联系人", max_length=32, blank=True)
    enterprise_phone = models.CharField("企业联系电话", max_length=32, blank=True)

    access_group = "project"
    unit_path = "unit"

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ("unit__sort_order", "-total_investment", "id")
        indexes = [models.Index(fields=("unit", "category")), models.Index(fields=("name",))]

    def __str__(self) -> str:
        return self.name

    @property
    def size_class(self) -> str:
        """规模: derived from total investment, never typed."""
        return size_class_of(self.total_investment)

    def get_size_class_display(self) -> str:
        return SizeClass(self.size_class).label

    def clean(self):
        super().clean()
        errors = {}
        if self.foreign_investment and self.origin == Origin.DOMESTIC:
            errors["foreign_investment"] = "内资项目不应填写外资金额。"
        if (
            self.planned_start
            and self.planned_completion
            and self.planned_completion < self.planned_start
        ):
            errors["planned_completion"] = "计划竣工日期不能早于计划开工日期。"
        if (
            self.planned_completion
            and self.planned_full_output
            and self.planned_full_output < self.planned_completion
        ):
            errors["planned_full_output"] = "计划达产日期不能早于计划竣工日期。"
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = "项目不能是自己的分期。"
            elif self.parent.parent_id:
                errors["parent"] = "分期项目只能有一级上级项目。"
            elif self.unit_id and self.parent.unit_id != self.unit_id:
                errors["parent"] = "分期项目应与上级项目属于同一板块。"
        if self.district_id and self.unit_id and self.district.city_id != self.unit.city_id:
            errors["district"] = "所在行政区应属于同一设区市。"
        if self.cluster_id and self.unit_id and self.cluster.city_id != self.unit.city_id:
            errors["cluster"] = "产业集群应属于项目所在市。"
        if errors:
            raise ValidationError(errors)


class StageEvent(Versioned, BallastModel):
    """A reached lifecycle stage with its date and evidence. One per project and stage."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_events"
    )
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices)
    date = models.DateField("日期", validators=PLAUSIBLE_DATE)
    evidence = models.TextField("佐证说明", blank=True)

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "阶段节点"
        verbose_name_plural = "阶段节点"
        ordering = ("project", "date")
        constraints = [
            models.UniqueConstraint(
                fields=("project", "stage"), name="stage_event_once_per_project"
            )
        ]
        indexes = [
            # Covers the "new events in a period" counts (stage, date range → project).
            models.Index(fields=("stage", "date", "project"), name="stage_event_period"),
            # Covers "reached stage X by date D" (project, date ≤ D → stage) without
            # reading the table: the warnings and figures ask it for every project.
            models.Index(fields=("project", "date", "stage"), name="stage_event_by_project"),
        ]

    def __str__(self) -> str:
        # Stage(...).label is get_stage_display() without flattening the field's choices
        # on every call (an import names 20,000 events in its audit trail).
        try:
            label = Stage(self.stage).label
        except ValueError:
            label = self.stage
        return f"{self.project} {label} {self.date}"

    @property
    def seq(self) -> int:
        return STAGE_ORDER[self.stage]


class Suspension(BallastModel):
    """停建/缓建: off the line from ``started_on`` until ``resumed_on`` (may resume)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="suspensions"
    )
    kind = models.CharField(
        "类型", max_length=16, choices=SuspensionKind.choices, default=SuspensionKind.STOPPED
    )
    reason = models.CharField("原因", max_length=16, choices=SuspensionReason.choices)
    note = models.TextField("说明", blank=True)
    started_on = models.DateField("停缓建日期", validators=PLAUSIBLE_DATE)
    planned_resume_on = models.DateField(
        "计划复工日期", null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    resumed_on = models.DateField("复工日期", null=True, blank=True, validators=PLAUSIBLE_DATE)

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "停缓建"
        verbose_name_plural = "停缓建"
        ordering = ("project", "started_on")

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()} {self.started_on}"

    def clean(self):
        super().clean()
        if self.resumed_on and self.resumed_on < self.started_on:
            raise ValidationError({"resumed_on": "复工日期不能早于停缓建日期。"})
        if self.planned_resume_on and self.planned_resume_on < self.started_on:
            raise ValidationError({"planned_resume_on": "计划复工日期不能早于停缓建日期。"})


class Termination(BallastModel):
    """终止/退出: the project leaves the line for good, with a reason."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="termination"
    )
    terminated_on = models.DateField("终止日期", validators=PLAUSIBLE_DATE)
    reason = models.CharField("原因", max_length=24, choices=TerminationReason.choices)
    note = models.TextField("说明")

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "终止退出"
        verbose_name_plural = "终止退出"

    def __str__(self) -> str:
        return f"{self.project} 终止于 {self.terminated_on}"


class Node(Versioned, BallastModel):
    """A node of the project's node plan (前期手续与节点计划)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="nodes"
    )
    kind = models.CharField("节点", max_length=24, choices=NodeKind.choices)
    name = models.CharField("名称", max_length=64, blank=True)
    deadline = models.DateField("计划完成日期", validators=PLAUSIBLE_DATE)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nodes",
    )
    department_name = models.CharField("责任部门（文本）", max_length=64, blank=True)
    person = models.CharField("责任人", max_length=32, blank=True)
    person_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人（系统用户）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_nodes",
        help_text="收到临期与逾期通知的人",
    )
    outcome = models.CharField(
        "办理结果", max_length=16, choices=NodeOutcome.choices, default=NodeOutcome.PENDING
    )
    completed_on = models.DateField("办结日期", null=True, blank=True, validators=PLAUSIBLE_DATE)
    note = models.TextField("说明", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    # its project's rights, and the responsible department's officers (accounts.policy)
    access_group = "node"
    unit_path = "project__unit"
    department_path = "department"
    project_path = "project"  # an enterprise contact follows its own projects' approvals

    class Meta:
        verbose_name = "节点计划"
        verbose_name_plural = "节点计划"
        ordering = ("project", "sort_order", "deadline")

    def __str__(self) -> str:
        return f"{self.project} {self.name or self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.outcome == NodeOutcome.DONE and not self.completed_on:
            raise ValidationError({"completed_on": "已办结的节点须填写办结日期。"})
        if self.outcome != NodeOutcome.DONE and self.completed_on:
            raise ValidationError({"outcome": "填写了办结日期的节点，办理结果应为“已办结”。"})


class NodeTemplate(BallastModel):
    """A city's node plan for one project category (节点模板): which nodes a project of the
    category passes and when, counted in days from its planned start (negative: before
    it, as the approvals are). The city sets them as data; applying them to a project
    makes its nodes with deadlines ``planned_start + offset_days``."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="node_templates"
    )
    category = models.CharField("项目类别", max_length=16, choices=Category.choices)
    kind = models.CharField("节点", max_length=24, choices=NodeKind.choices)
    name = models.CharField("名称", max_length=64, blank=True)
    offset_days = models.IntegerField(
        "距计划开工（天）", help_text="计划完成日期 = 计划开工日期 + 天数；负数表示开工前"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="node_templates",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "节点模板"
        verbose_name_plural = "节点模板"
        ordering = ("city", "category", "sort_order", "offset_days", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("city", "category", "kind", "name"), name="node_template_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.name or self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.department_id and self.city_id and self.department.city_id != self.city_id:
            raise ValidationError({"department": "责任部门应属于本市。"})


class AnnualPlan(Versioned, BallastModel):
    """A project's plan for one calendar year: planned investment and stage months."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_investment = money_field("年度计划投资（万元）")
    month_fields = ("start_month", "statistics_month", "completion_month", "production_month")
    start_month = models.PositiveSmallIntegerField(
        "计划开工月份",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    statistics_month = models.PositiveSmallIntegerField(
        "计划列统月份",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    completion_month = models.PositiveSmallIntegerField(
        "计划竣工月份",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    production_month = models.PositiveSmallIntegerField(
        "计划投产月份",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "年度计划"
        verbose_name_plural = "年度计划"
        ordering = ("project", "year")
        constraints = [
            models.UniqueConstraint(fields=("project", "year"), name="annual_plan_once_per_year")
        ]
        indexes = [models.Index(fields=("year", "project"))]

    def __str__(self) -> str:
        return f"{self.project} {self.year}年计划"


class PlanMonth(BallastModel):
    """One month of an annual plan's own curve: the investment planned for that month.

    When a plan has months, 序时进度 follows their cumulative share instead of m/12.
    """

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="年度计划", on_delete=models.CASCADE, related_name="months"
    )
    month = models.PositiveSmallIntegerField(
        "月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    planned_investment = money_field("当月计划投资（万元）")

    access_group = "project"
    unit_path = "plan__project__unit"

    class Meta:
        verbose_name = "月度计划"
        verbose_name_plural = "月度计划"
        ordering = ("plan", "month")
        constraints = [models.UniqueConstraint(fields=("plan", "month"), name="plan_month_once")]

    def __str__(self) -> str:
        return f"{self.plan} {self.month}月"


class UnitTarget(Versioned, BallastModel):
    """A target set for an assessment unit for a year (``2023``) or quarter (``2023Q1``)."""

    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="板块",
        on_delete=models.PROTECT,
        related_name="targets",
        limit_choices_to={"is_assessment_unit": True},
    )
    period = models.CharField("期间", max_length=8, help_text="年度如 2023，季度如 2023Q1")
    indicator = models.CharField("指标", max_length=24, choices=TargetIndicator.choices)
    value = models.DecimalField("目标值", max_digits=16, decimal_places=4, validators=NON_NEGATIVE)

    access_group = "target"
    unit_path = "unit"

    class Meta:
        verbose_name = "板块目标"
        verbose_name_plural = "板块目标"
        ordering = ("unit__sort_order", "period", "indicator")
        constraints = [
            models.UniqueConstraint(fields=("unit", "period", "indicator"), name="unit_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.get_indicator_display()}"

    def clean(self):
        super().clean()

        try:
            period = Period.parse(self.period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        if period.kind not in ("Y", "Q"):
            raise ValidationError({"period": "目标期间应为年度（2023）或季度（2023Q1）。"})
        if self.indicator.endswith("_rate") and self.value is not None and self.value > 1:
            raise ValidationError({"value": "比率目标应在 0–1 之间（如 0.7 表示 70%）。"})


class ConfidenceAssessment(Versioned, BallastModel):
    """A delivery-confidence rating (green/amber/red) for a project in a month, with a narrative."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="confidence_ratings"
    )
    month = models.DateField("月份", help_text="当月第一天", validators=PLAUSIBLE_DATE)
    rating = models.CharField("交付信心", max_length=8, choices=ConfidenceRating.choices)
    narrative = models.TextField("说明", blank=True)

    access_group = "project"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "交付信心评级"
        verbose_name_plural = "交付信心评级"
        ordering = ("project", "month")
        constraints = [
            models.UniqueConstraint(fields=("project", "month"), name="confidence_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="confidence_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m} {self.get_rating_display()}"
