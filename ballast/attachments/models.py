"""Attachments and photos (附件、照片) of a stage event, a monthly report, an issue, a
visit or a site check: the file under the default storage (MEDIA_ROOT), checked by
content, images re-encoded (location stripped unless the city keeps it) with a
thumbnail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ballast.core.models import BallastModel
from ballast.core.validators import validate_plausible_date


class Attachment(BallastModel):
    """One file attached to one owner row (any model of ``policy.ATTACHMENT_OWNERS``).

    Who sees it is who sees its owner; who may add one is who may take the owner's
    attach action (``accounts/policy.py``). ``project`` is the owner's project, kept for
    the project's history and lists.
    """

    class Kind(models.TextChoices):
        IMAGE = "image", "照片"
        PDF = "pdf", "PDF"
        OFFICE = "office", "Office 文档"

    owner_type = models.ForeignKey(
        ContentType, verbose_name="所属类型", on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField("所属对象")
    owner = GenericForeignKey("owner_type", "owner_id")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    file = models.FileField("文件", upload_to="attachments/%Y/%m/", max_length=200)
    thumbnail = models.FileField("缩略图", upload_to="attachments/thumbs/%Y/%m/", blank=True)
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    mime = models.CharField("MIME 类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    caption = models.CharField("说明", max_length=200, blank=True)
    taken_on = models.DateField(
        "拍摄/文件日期", null=True, blank=True, validators=[validate_plausible_date],
        help_text="照片取自拍摄信息，否则为上传时填写或上传当日",
    )  # fmt: skip
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    access_group = "attachment"
    unit_path = "project__unit"
    project_path = "project"

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("owner_type", "owner_id"))]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class AttachmentSettings(BallastModel):
    """A city's rule for photos (data the city sets): keep location data (GPS) in
    uploaded photos, or strip it (the default)."""

    city = models.OneToOneField(
        "regions.Region",
        verbose_name="城市",
        on_delete=models.CASCADE,
        related_name="attachment_settings",
    )
    keep_location = models.BooleanField(
        "保留照片定位信息", default=False,
        help_text="默认去除照片中的 GPS 定位等拍摄信息；勾选后保留定位（拍摄时间总被记录为日期）",
    )  # fmt: skip

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "附件设置"
        verbose_name_plural = "附件设置"

    def __str__(self) -> str:
        return f"{self.city} 附件设置"

    @classmethod
    def keeps_location(cls, city) -> bool:
        if city is None:
            return False
        return cls.objects.filter(city=city, keep_location=True).exists()
