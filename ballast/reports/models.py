"""Monthly reports (月月看) and the rule that sets their deadline."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ballast.core.models import BallastModel, RestrictedQuerySet, Versioned
from ballast.core.periods import month_start
from ballast.core.validators import validate_plausible_date
from ballast.reports.choices import ReportStatus


def counted_q(prefix: str = "", *, as_of=None) -> Q:
    """The one definition of the monthly reports that count in figures (DOMAIN.md "Plans
    and monthly reports"): accepted by the city (市级已验收) and, given ``as_of``, for a
    month up to the month holding it.

    ``prefix`` is the path from the model queried to the report (``"reports__"``,
    ``"project__reports__"``), for joins filtered in their condition
    (``FilteredRelation``); :meth:`MonthlyReportQuerySet.counted` is the same filter on
    reports themselves. Figures, warnings and the report sums all count through these two.
    """
    condition = Q(**{f"{prefix}status": ReportStatus.ACCEPTED})
    if as_of is not None:
        condition &= Q(**{f"{prefix}month__lte": month_start(as_of)})
    return condition


class MonthlyReportQuerySet(RestrictedQuerySet):
    def counted(self, *, as_of=None):
        """The reports that count in figures (see :func:`counted_q`)."""
        return self.filter(counted_q(as_of=as_of))


class MonthlyReport(Versioned, BallastModel):
    """One project's report for one month: the month's completed investment and progress.

    Only reports accepted by the city count in figures. Once accepted a report is locked
    and changes only by an amendment (更正) with a reason.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="reports"
    )
    month = models.DateField("月份", help_text="当月第一天", validators=[validate_plausible_date])
    investment = models.DecimalField(
        "当月完成投资（万元）",
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "完成投资不能为负数。")],
    )
    progress = models.TextField("形象进度", blank=True)
    percent_complete = models.DecimalField(
        "工程完成比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    problems = models.TextField("存在的问题", blank=True)
    suggestions = models.TextField("工作建议", blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_approved_at = models.DateTimeField("板块审核时间", null=True, blank=True)
    unit_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="板块审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField("市级验收时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="市级验收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField("退回原因", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    amendment_count = models.PositiveIntegerField("更正次数", default=0)

    access_group = "report"
    unit_path = "project__unit"

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = "月度填报"
        verbose_name_plural = "月度填报"
        ordering = ("-month", "project")
        constraints = [
            models.UniqueConstraint(
                fields=("project", "month"), name="report_once_per_project_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_first_day"),
            models.CheckConstraint(
                condition=Q(investment__gte=0), name="report_investment_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=("status", "month")),
            # Covers the sums of accepted investment, per project (the figures' subqueries)
            # and grouped over all projects (docs/performance.md).
            models.Index(
                fields=("project", "status", "month", "investment"), name="report_accepted_sums"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y年%m月}"

    @property
    def accepts_attachments(self) -> bool:
        """形象进度 photos are added while the report is a draft (attachments.services)."""
        return self.status == ReportStatus.DRAFT

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.ACCEPTED


class ReportingRule(BallastModel):
    """A city's reporting rule: reports for a month are due on ``deadline_day`` of the next."""

    city = models.OneToOneField(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="reporting_rule"
    )
    deadline_day = models.PositiveSmallIntegerField(
        "报送截止日（次月几日）",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "填报规则"
        verbose_name_plural = "填报规则"

    def __str__(self) -> str:
        return f"{self.city} 次月{self.deadline_day}日前报送"
