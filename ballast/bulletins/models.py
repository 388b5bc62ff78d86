"""Published bulletins (通报): frozen content, reproducible documents."""

from django.conf import settings
from django.db import models

from ballast.bulletins.choices import Kind, Status
from ballast.core.models import BallastModel
from ballast.core.validators import validate_plausible_date


class Bulletin(BallastModel):
    """A published bulletin (通报) of a city, or of one unit, for a period — or of an
    attraction campaign round (``campaign_round``, kind 攻坚轮次通报; ``period`` its year).

    ``content`` holds the complete composed content (figures, tables, wording) as it was
    on publication; the Word and Excel files are always re-rendered from it, so a
    bulletin regenerated later shows exactly the figures it was published with, even
    after the data changed. ``figures_hash`` is the SHA-256 of the canonical JSON of
    ``content``. ``docx`` caches the document rendered at publication (bytes in the
    database: bulletins are small and this keeps backups in one place).
    """

    city = models.ForeignKey(
        "regions.Region", verbose_name="设区市", on_delete=models.PROTECT, related_name="bulletins"
    )
    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="板块",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_bulletins",
        help_text="为空表示全市通报",
    )
    campaign_round = models.ForeignKey(
        "attraction.CampaignRound",
        verbose_name="攻坚轮次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins",
        help_text="攻坚轮次通报所属的轮次",
    )
    period = models.CharField("期间", max_length=8, help_text="如 2023Q1、2023H1、2023")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    number = models.PositiveIntegerField("期号", help_text="当年第几期")
    as_of = models.DateField("数据截至", validators=[validate_plausible_date])
    title = models.CharField("标题", max_length=200)
    content = models.JSONField("通报内容", default=dict, blank=True)
    figures_hash = models.CharField("数据指纹（SHA-256）", max_length=64, blank=True)
    docx = models.BinaryField("Word 文档", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("发布时间", help_text="生成中时为请求发布的时间")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    progress = models.PositiveSmallIntegerField("生成进度（%）", default=100)
    error = models.TextField("生成失败原因", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_group = "bulletin"
    city_path = "city"
    unit_path = "unit"  # null for the city's own bulletins

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ("-published_at", "-id")
        indexes = [models.Index(fields=("city", "period"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED
