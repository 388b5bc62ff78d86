"""The shipped outlines of a city's units (``data/<city code>.geojson``) and the one
geometric question asked of them: does a polygon hold a point (even–odd rule, holes
honoured). Plain Python: six outlines of a few hundred points need no GIS library."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _read(city_code: str) -> str | None:
    path = DATA_DIR / f"{city_code}.geojson"
    return path.read_text(encoding="utf-8") if path.exists() else None


def shipped(city_code: str) -> dict | None:
    """The FeatureCollection shipped for the city (a fresh copy), or None."""
    text = _read(city_code)
    return json.loads(text) if text is not None else None


@cache
def shipped_geometries(city_code: str) -> dict[str, dict]:
    """Unit code → its shipped geometry."""
    data = shipped(city_code) or {"features": []}
    return {f["properties"]["code"]: f["geometry"] for f in data["features"]}


def _in_ring(lon: float, lat: float, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon holds the point (lon, lat)."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return any(
        _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, h) for h in polygon[1:])
        for polygon in polygons
    )
