"""load_outlines: a city loads its units' outlines for the 挂图作战 map."""

import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from ballast.dashboards.models import UnitOutline
from ballast.dashboards.selectors import DATA_DIR, outlines

SHIPPED = DATA_DIR / "321000.geojson"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_shipped_schematic_has_the_nine_units_of_yangzhou(city):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    codes = {f["properties"]["code"] for f in data["features"]}
    assert codes == set(
        city.children.filter(is_assessment_unit=True).values_list("code", flat=True)
    )
    for feature in data["features"]:
        for lon, lat in feature["geometry"]["coordinates"][0]:
            assert 119.0 <= lon <= 119.9 and 32.2 <= lat <= 33.35


def test_load_outlines_stores_one_outline_per_unit(city, capsys):
    call_command("load_outlines", "321000", str(SHIPPED))
    assert UnitOutline.objects.count() == 9
    assert "已载入 9 个板块轮廓" in capsys.readouterr().out
    # loading again replaces, it does not duplicate
    call_command("load_outlines", "321000", str(SHIPPED))
    assert UnitOutline.objects.count() == 9
    assert UnitOutline.history.filter(history_type="~").count() == 9


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
