"""Outlines of the assessment units (板块) for the 挂图作战 map, loaded by the city."""

from django.core.exceptions import ValidationError
from django.db import models

from ballast.core.models import BallastModel

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def validate_geometry(value) -> None:
    """A GeoJSON Polygon or MultiPolygon with coordinates."""
    if not isinstance(value, dict) or value.get("type") not in GEOMETRY_TYPES:
        raise ValidationError("轮廓必须是 GeoJSON 的 Polygon 或 MultiPolygon。")
    if not value.get("coordinates"):
        raise ValidationError("轮廓缺少坐标。")


class UnitOutline(BallastModel):
    """The outline (GeoJSON geometry, WGS84 lon/lat) of one assessment unit."""

    region = models.OneToOneField(
        "regions.Region",
        verbose_name="板块",
        on_delete=models.CASCADE,
        related_name="outline",
    )
    geojson = models.JSONField("轮廓（GeoJSON）", validators=[validate_geometry])

    access_group = "config"
    # Scope is a prefix of the region path: the unit's own region lies in its city.
    city_path = "region"

    class Meta:
        verbose_name = "板块轮廓"
        verbose_name_plural = "板块轮廓"
        ordering = ("region__sort_order", "region__code")

    def __str__(self) -> str:
        return f"{self.region} 轮廓"
