"""Regions (GB/T 2260) and assessment units (板块)."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

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
    # The materialised path of codes from the root, e.g. "320000/321000/321081", and the
    # number of ancestors (0 for a root). Scope is a prefix of it (accounts.policy), so
    # a province, a city, a district or a park under a district are alike to the policy.
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)

    objects = RestrictedQuerySet.as_manager()

    access_group = "region"

    class Meta:
        verbose_name = "区划/板块"
        verbose_name_plural = "区划/板块"
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A region's own path follows from its parent's; moving a region with a subtree
        # is regions.services.region_move, which rewrites the descendants' paths too.
        self.path, self.depth = path_for(self.parent, self.code)
        super().save(*args, **kwargs)

    @property
    def codes(self) -> list[str]:
        """The codes from the root down to this region."""
        return self.path.split("/") if self.path else [self.code]

    def ancestors(self):
        """The regions above this one (nearest last), as a queryset."""
        return Region.objects.filter(code__in=self.codes[:-1]).order_by("depth")

    def subtree(self):
        """This region and every region below it, at any depth."""
        return Region.objects.filter(within("", self))

    def contains(self, other: "Region | None") -> bool:
        """Whether ``other`` is this region or lies below it."""
        return other is not None and (
            other.path == self.path or other.path.startswith(self.path + "/")
        )

    @cached_property
    def city(self) -> "Region | None":
        """The city (设区市, or a 直辖市 / 省直辖县级市 run as one) this region is in, or
        itself if it is one; None for a province or a region outside any city.

        The one helper for "the city of a unit": nothing else assumes the parent is it.
        """
        if self.kind == RegionKind.CITY:
            return self
        if self.kind == RegionKind.PROVINCE:
            return None
        return self.ancestors().filter(kind=RegionKind.CITY).order_by("-depth").first()

    @property
    def city_id(self) -> int | None:
        city = self.city
        return city.pk if city is not None else None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


def path_for(parent: "Region | None", code: str) -> tuple[str, int]:
    """The path and depth of a region of ``code`` placed under ``parent``."""
    if parent is None:
        return code, 0
    return f"{parent.path}/{code}", parent.depth + 1


def within(lookup: str, region: "Region") -> Q:
    """The filter "the region at ``lookup`` is ``region`` or lies below it" (a prefix of
    the materialised path). ``lookup`` is the path from the model to a Region ("" for
    Region itself, "unit" for a project, "project__unit" for a report …)."""
    prefix = f"{lookup}__" if lookup else ""
    return Q(**{f"{prefix}path": region.path}) | Q(
        **{f"{prefix}path__startswith": f"{region.path}/"}
    )


def cities_containing(unit_ids) -> "models.QuerySet[Region]":
    """The cities that hold any of the regions ``unit_ids`` (at any depth), by code: the
    grouping "by city" of rows of many cities (each city judged by its own rules)."""
    paths = Region.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True)
    codes = {code for path in paths for code in path.split("/")}
    return Region.objects.filter(code__in=codes, kind=RegionKind.CITY).order_by("code")
