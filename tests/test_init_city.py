import pytest
from django.core.management import CommandError, call_command

from ballast.regions.models import Region
from ballast.regions.services import jiangsu_data


def test_every_jiangsu_city_can_be_created(db):
    data = jiangsu_data()
    assert len(data["cities"]) == 13
    for city in data["cities"]:
        call_command("init_city", city["code"], verbosity=0)
    assert Region.objects.filter(kind="city").count() == 13
    assert Region.objects.get(code="320902").name == "亭湖区"
    assert Region.objects.get(code="321100").children.count() == 6


def test_yangzhou_with_parks_is_idempotent(db, tmp_path, capsys):
    parks = tmp_path / "parks.csv"
    parks.write_text(
        "code,name\n321071,扬州经济技术开发区\n321072,生态科技新城\n321073,蜀冈—瘦西湖风景名胜区\n",
        encoding="utf-8",
    )
    call_command("init_city", "321000", "--parks", str(parks))
    call_command("init_city", "321000", "--parks", str(parks))
    units = Region.objects.filter(parent__code="321000", is_assessment_unit=True)
    assert units.count() == 9
    assert set(units.filter(kind="park").values_list("name", flat=True)) == {
        "扬州经济技术开发区",
        "生态科技新城",
        "蜀冈—瘦西湖风景名胜区",
    }
    assert "9 个考核板块" in capsys.readouterr().out


def test_unknown_city_is_a_clear_error(db):
    with pytest.raises(CommandError, match="未知的设区市代码 999999"):
        call_command("init_city", "999999")
