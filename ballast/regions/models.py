"""Regions (GB/T 2260) and assessment units (板块)."""

from django.core.validators import RegexValidator
from django.db import models

from ballast.core.models import RestrictedQuerySet
from ballast.regions.choices import RegionKind


class Region(models.Model):
    """A node of the region tree: province, city, county-level division or park.

    County-level divisions and parks/functional zones of a city are its assessment units
    (板块) when ``is_assessment_unit`` is set. Parks carry the product's own codes.
    """

    code = models.CharField(
        "代码",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "区划代码应为 6 位数字。")],
    )
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32, blank=True)
    kind = models.CharField("类型", max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_assessment_unit = models.BooleanField("考核板块", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    access_group = "region"

    class Meta:
        verbose_name = "区划/板块"
        verbose_name_plural = "区划/板块"
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.name

    @property
    def city(self) -> "Region | None":
        """The city (设区市) this region is in, or itself if it is one."""
        if self.kind == RegionKind.CITY:
            return self
        if self.parent_id and self.parent.kind == RegionKind.CITY:
            return self.parent
        return None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name
