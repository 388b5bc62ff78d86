"""Service and supervision (服务与督查): coordination issues and their escalation rules,
enterprise contacts, visits (家家到) and site tours (观摩); their notices are the inbox app's."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from ballast.coordination.choices import (
    EscalationReason,
    IssueCategory,
    IssueLevel,
    IssueStatus,
    VisitKind,
)
from ballast.core.models import BallastModel, Versioned
from ballast.core.validators import validate_plausible_date
from ballast.projects.choices import CITY_FACTOR_THRESHOLD_WAN


class EscalationRule(BallastModel):
    """A city's rules for raising issues to the city level and for deadline notices.

    The city sets them as data; a city without a row uses the defaults of
    :meth:`for_city` (all three rules on, 30 亿元, 3 days).
    """

    city = models.OneToOneField(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="escalation"
    )
    major_same_day = models.BooleanField(
        "重大问题当日未受理即升级", default=True, help_text="重大事项不过夜"
    )
    overdue = models.BooleanField("逾期问题升级", default=True)
    large_project_threshold = models.DecimalField(
        "升级的项目总投资门槛（万元）",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal(CITY_FACTOR_THRESHOLD_WAN),
        validators=[MinValueValidator(Decimal(0))],
        help_text="该总投资及以上项目的问题一律市级协调；留空则不按投资升级",
    )
    near_deadline_days = models.PositiveSmallIntegerField("临期提醒（提前天数）", default=3)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "问题升级规则"
        verbose_name_plural = "问题升级规则"

    def __str__(self) -> str:
        return f"{self.city} 问题升级规则"

    @classmethod
    def for_city(cls, city) -> "EscalationRule":
        """The city's saved rule, or an unsaved one holding the defaults."""
        return cls.objects.filter(city=city).first() or cls(city=city)


class ProjectContact(BallastModel):
    """Links an enterprise user (企业联系人) to a project they may see and raise issues on."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="企业用户",
        on_delete=models.CASCADE,
        related_name="contact_links",
    )

    access_group = "project"
    unit_path = "project__unit"
    project_path = "project"

    class Meta:
        verbose_name = "企业联系人"
        verbose_name_plural = "企业联系人"
        constraints = [
            models.UniqueConstraint(fields=("project", "user"), name="project_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.user}"


class Issue(Versioned, BallastModel):
    """A coordination issue (问题协调/要素保障) of a project.

    Versioned: the web forms and the API (ETag/If-Match) refuse a save based on an older
    version (docs/concurrency.md).

    Dates that figures use are kept as dates (``raised_on``, ``resolved_on``,
    ``closed_on``); the moments of acknowledgement and escalation as times.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="issues"
    )
    category = models.CharField("问题类别", max_length=16, choices=IssueCategory.choices)
    description = models.TextField("问题描述")
    raised_on = models.DateField("提出日期", validators=[validate_plausible_date])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        on_delete=models.PROTECT,
        related_name="raised_issues",
    )
    is_major = models.BooleanField("重大事项", default=False)
    level = models.CharField(
        "协调层级", max_length=8, choices=IssueLevel.choices, default=IssueLevel.UNIT
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_issues",
    )
    responsible_name = models.CharField("责任人（文本）", max_length=32, blank=True)
    deadline = models.DateField(
        "办结期限", null=True, blank=True, validators=[validate_plausible_date]
    )
    status = models.CharField(
        "状态", max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    acknowledged_at = models.DateTimeField("受理时间", null=True, blank=True)
    resolved_on = models.DateField(
        "办结日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    resolution = models.TextField("办理结果", blank=True)
    closed_on = models.DateField(
        "销号日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    reopen_count = models.PositiveIntegerField("重新打开次数", default=0)
    reopen_reason = models.TextField("重新打开原因", blank=True)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    escalation_reason = models.CharField(
        "升级原因", max_length=16, choices=EscalationReason.choices, blank=True
    )
    visit = models.ForeignKey(
        "Visit",
        verbose_name="现场提出的走访",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
    )

    access_group = "issue"
    unit_path = "project__unit"
    project_path = "project"
    department_path = "department"

    class Meta:
        verbose_name = "协调问题"
        verbose_name_plural = "协调问题"
        ordering = ("-raised_on", "-id")
        indexes = [
            models.Index(fields=("status", "deadline")),
            models.Index(fields=("department", "status")),
            models.Index(fields=("raised_on",)),
        ]

    def __str__(self) -> str:
        return f"{self.project}：{self.get_category_display()}（{self.raised_on}）"

    def clean(self):
        super().clean()
        if self.deadline and self.raised_on and self.deadline < self.raised_on:
            raise ValidationError({"deadline": "办结期限不能早于提出日期。"})
        if (
            self.department_id
            and self.project_id
            and self.department.city_id != self.project.unit.city_id
        ):
            raise ValidationError({"department": "责任部门应属于项目所在市。"})


class IssueStep(BallastModel):
    """A dated step of an issue's roadmap (路线图/进度表)."""

    issue = models.ForeignKey(
        Issue, verbose_name="问题", on_delete=models.CASCADE, related_name="steps"
    )
    planned_on = models.DateField("计划日期", validators=[validate_plausible_date])
    description = models.CharField("步骤", max_length=200)
    owner = models.CharField("责任人", max_length=32, blank=True)
    done_on = models.DateField(
        "完成日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    outcome = models.CharField("完成情况", max_length=200, blank=True)

    access_group = "issue"
    unit_path = "issue__project__unit"
    project_path = "issue__project"
    department_path = "issue__department"

    class Meta:
        verbose_name = "办理步骤"
        verbose_name_plural = "办理步骤"
        ordering = ("issue", "planned_on", "id")

    def __str__(self) -> str:
        return f"{self.planned_on} {self.description}"


class Visit(BallastModel):
    """A visit to a project (家家到): who, when, what kind, what was found."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="visits"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="走访人",
        on_delete=models.PROTECT,
        related_name="visits",
    )
    date = models.DateField("日期", validators=[validate_plausible_date])
    kind = models.CharField(
        "方式", max_length=16, choices=VisitKind.choices, default=VisitKind.VISIT
    )
    findings = models.TextField("发现情况", blank=True)

    access_group = "service"
    unit_path = "project__unit"

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ("-date", "-id")
        indexes = [models.Index(fields=("project", "date"))]

    def __str__(self) -> str:
        return f"{self.date} {self.visitor} {self.get_kind_display()} {self.project}"


class Tour(BallastModel):
    """A site tour (观摩) of a city: the projects each unit shows, judged by criteria."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="tours"
    )
    name = models.CharField("名称", max_length=128)
    date = models.DateField("日期", validators=[validate_plausible_date])
    period = models.CharField("考评期", max_length=16, help_text="如 2023、2023H1、2023Q2")
    closed_on = models.DateField(
        "评分截止日期",
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text="截止后评分不能再改，各评委的评分对评委公开",
    )

    access_group = "tour"
    city_path = "city"

    class Meta:
        verbose_name = "观摩活动"
        verbose_name_plural = "观摩活动"
        ordering = ("-date",)

    def __str__(self) -> str:
        return self.name


class TourJudge(BallastModel):
    """A judge of a tour: a user of the system, or just a name (an outside expert)."""

    tour = models.ForeignKey(
        Tour, verbose_name="观摩", on_delete=models.CASCADE, related_name="judges"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tour_judgings",
    )
    name = models.CharField("评委", max_length=32)

    access_group = "tour"
    city_path = "tour__city"

    class Meta:
        verbose_name = "评委"
        verbose_name_plural = "评委"
        constraints = [models.UniqueConstraint(fields=("tour", "name"), name="tour_judge_once")]

    def __str__(self) -> str:
        return self.name


class TourCriterion(BallastModel):
    """A scoring criterion of a tour with its maximum points."""

    tour = models.ForeignKey(
        Tour, verbose_name="观摩", on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField("评分项", max_length=64)
    max_points = models.DecimalField(
        "满分", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    access_group = "tour"
    city_path = "tour__city"

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ("tour", "sort_order", "id")

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}分）"


class TourProject(BallastModel):
    """A project a unit shows on a tour."""

    tour = models.ForeignKey(
        Tour, verbose_name="观摩", on_delete=models.CASCADE, related_name="tour_projects"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    visit_order = models.PositiveIntegerField("观摩顺序", default=0)

    access_group = "tour"
    unit_path = "project__unit"

    class Meta:
        ordering = ("tour", "visit_order", "id")
        verbose_name = "观摩项目"
        verbose_name_plural = "观摩项目"
        constraints = [
            models.UniqueConstraint(fields=("tour", "project"), name="tour_project_once")
        ]

    def __str__(self) -> str:
        return f"{self.tour}：{self.project}"


class TourScore(BallastModel):
    """One judge's points for one criterion of one shown project (≤ the criterion's max)."""

    judge = models.ForeignKey(
        TourJudge, verbose_name="评委", on_delete=models.CASCADE, related_name="scores"
    )
    tour_project = models.ForeignKey(
        TourProject, verbose_name="观摩项目", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        TourCriterion, verbose_name="评分项", on_delete=models.CASCADE, related_name="scores"
    )
    points = models.DecimalField(
        "得分", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    access_group = "tour"
    unit_path = "tour_project__project__unit"

    class Meta:
        verbose_name = "观摩评分"
        verbose_name_plural = "观摩评分"
        constraints = [
            models.UniqueConstraint(
                fields=("judge", "tour_project", "criterion"), name="tour_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.judge} {self.tour_project} {self.criterion} {self.points}"

    def clean(self):
        super().clean()
        if (
            self.criterion_id
            and self.points is not None
            and self.points > self.criterion.max_points
        ):
            raise ValidationError({"points": f"得分不能超过该项满分 {self.criterion.max_points}。"})
        if self.judge_id and self.tour_project_id and self.criterion_id:
            tours = {self.judge.tour_id, self.tour_project.tour_id, self.criterion.tour_id}
            if len(tours) != 1:
                raise ValidationError("评委、观摩项目和评分项应属于同一次观摩。")
