"""Writes to the region tree."""

import csv
import json
from importlib import resources
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from ballast.regions.choices import RegionKind
from ballast.regions.models import Region

PARK_SHORT_NAMES = {
    "扬州经济技术开发区": "经开区",
    "生态科技新城": "生态科技新城",
    "蜀冈—瘦西湖风景名胜区": "蜀冈—瘦西湖",
}


def jiangsu_data() -> dict:
    """The shipped GB/T 2260 data of Jiangsu's 13 cities and their county-level divisions."""
    text = resources.files("ballast.regions").joinpath("data/jiangsu.json").read_text("utf-8")
    return json.loads(text)


def _short(name: str) -> str:
    if name in PARK_SHORT_NAMES:
        return PARK_SHORT_NAMES[name]
    if len(name) > 2 and name[-1] in "区县市":
        return name[:-1]
    return name


def read_parks_csv(path: str | Path) -> list[tuple[str, str]]:
    """Read ``code,name`` rows (a header row is allowed) of parks and functional zones."""
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip():
                continue
            if number == 1 and row[0].strip().lower() in {"code", "代码", "编码"}:
                continue
            if len(row) < 2:
                raise ValidationError(f"园区文件第 {number} 行应有“代码,名称”两列。")
            rows.append((row[0].strip(), row[1].strip()))
    return rows


@transaction.atomic
def init_city(*, code: str, parks: list[tuple[str, str]] = ()) -> Region:
    """Create (or complete) a Jiangsu city with its county-level divisions and parks.

    Idempotent: running it again changes nothing that is already there.
    """
    data = jiangsu_data()
    city_data = next((c for c in data["cities"] if c["code"] == code), None)
    if city_data is None:
        known = "、".join(f"{c['code']} {c['name']}" for c in data["cities"])
        raise ValidationError(f"未知的设区市代码 {code}。可用：{known}")
    province, _ = Region.objects.get_or_create(
        code=data["province"]["code"],
        defaults={"name": data["province"]["name"], "kind": RegionKind.PROVINCE},
    )
    city, _ = Region.objects.get_or_create(
        code=code, defaults={"name": city_data["name"], "kind": RegionKind.CITY, "parent": province}
    )
    order = 0
    for order, division in enumerate(city_data["divisions"], start=1):
        Region.objects.get_or_create(
            code=division["code"],
            defaults={
                "name": division["name"],
                "short_name": _short(division["name"]),
                "kind": division["kind"],
                "parent": city,
                "is_assessment_unit": True,
                "sort_order": order,
            },
        )
    for offset, (park_code, park_name) in enumerate(parks, start=1):
        park = Region(
            code=park_code,
            name=park_name,
            short_name=_short(park_name),
            kind=RegionKind.PARK,
            parent=city,
            is_assessment_unit=True,
            sort_order=order + offset,
        )
        existing = Region.objects.filter(code=park_code).first()
        if existing:
            if existing.parent_id != city.id:
                raise ValidationError(f"代码 {park_code} 已被 {existing.name} 使用。")
            continue
        park.full_clean()
        park.save()
    return city


def assessment_units(city: Region):
    """The city's assessment units in their usual order."""
    return Region.objects.filter(parent=city, is_assessment_unit=True).order_by(
        "sort_order", "code"
    )
