"""Writes to the region tree."""

import csv
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from ballast.regions.choices import RegionKind
from ballast.regions.models import Region, path_for, within

PARK_SHORT_NAMES = {
    "扬州经济技术开发区": "经开区",
    "生态科技新城": "生态科技新城",
    "蜀冈—瘦西湖风景名胜区": "蜀冈—瘦西湖",
}


@lru_cache(maxsize=1)
def china_data() -> dict:
    """The shipped GB/T 2260 county-level divisions of all China (``data/china.json``;
    source, version and licence in its header, ``data/refresh.py`` regenerates it)."""
    text = resources.files("ballast.regions").joinpath("data/china.json").read_text("utf-8")
    return json.loads(text)


def province_data(code: str) -> dict | None:
    """The shipped entry of the province (or 直辖市) ``code``, or None."""
    return next((p for p in china_data()["provinces"] if p["code"] == code), None)


def _city_entry(code: str) -> tuple[dict, dict | None] | None:
    """(province entry, city entry) of a city code; (entry, None) for a 直辖市."""
    for province in china_data()["provinces"]:
        if province["code"] == code:
            return (province, None) if province.get("municipality") else None
        for city in province["cities"]:
            if city["code"] == code:
                return province, city
    return None


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


def _get_or_create(*, code, name, kind, parent, **extra) -> Region:
    """The region ``code``, created under ``parent`` when missing (idempotent)."""
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return region_create(code=code, name=name, kind=kind, parent=parent, **extra)


def _init_city_entry(*, province: Region | None, entry: dict, order: int = 0) -> Region:
    city = _get_or_create(
        code=entry["code"], name=entry["name"], kind=RegionKind.CITY, parent=province,
        sort_order=order,
    )  # fmt: skip
    for number, (code, name, kind) in enumerate(entry["divisions"], start=1):
        _get_or_create(
            code=code,
            name=name,
            short_name=_short(name),
            kind=kind,
            parent=city,
            is_assessment_unit=True,
            sort_order=number,
        )
    return city


def _add_parks(city: Region, parks, *, order: int) -> None:
    for offset, (park_code, park_name) in enumerate(parks, start=1):
        existing = Region.objects.filter(code=park_code).first()
        if existing:
            if existing.parent_id != city.id:
                raise ValidationError(f"代码 {park_code} 已被 {existing.name} 使用。")
            continue
        region_create(
            code=park_code,
            name=park_name,
            short_name=_short(park_name),
            kind=RegionKind.PARK,
            parent=city,
            is_assessment_unit=True,
            sort_order=order + offset,
        )


@transaction.atomic
def init_city(*, code: str, parks: list[tuple[str, str]] = ()) -> Region:
    """Create (or complete) a prefecture-level city of China with its county-level
    divisions (its assessment units) and, when given, its parks.

    ``code`` is a 地级 code (321000 扬州市, 440300 深圳市); a 直辖市 (110000, 500000 …) is
    run as one city at the root, its districts and counties its units; a 省直辖县级市
    (429004 仙桃市) or a city without districts (441900 东莞市) is a city of its province
    whose units are its parks. Idempotent: running it again changes nothing already there.
    """
    found = _city_entry(code)
    if found is None:
        if province_data(code) is not None:
            raise ValidationError(f"{code} 是省级区划代码，请用 init_province {code}。")
        raise ValidationError(
            f"未知的设区市代码 {code}。请使用 GB/T 2260 地级区划代码，如 321000。"
        )
    province_entry, city_entry = found
    if city_entry is None:  # a 直辖市: the municipality is the city, no province above it
        city_entry = province_entry
        city = _init_city_entry(province=None, entry=province_entry)
    else:
        province = _get_or_create(
            code=province_entry["code"], name=province_entry["name"],
            kind=RegionKind.PROVINCE, parent=None,
        )  # fmt: skip
        order = province_entry["cities"].index(city_entry) + 1
        city = _init_city_entry(province=province, entry=city_entry, order=order)
    _add_parks(city, list(parks), order=len(city_entry["divisions"]))
    return city


@transaction.atomic
def init_province(*, code: str) -> Region:
    """Create (or complete) a province with every city and their county-level divisions
    (parks stay per city: ``init_city CODE --parks``). A 直辖市 is run as one city
    (:func:`init_city`). Idempotent."""
    entry = province_data(code)
    if entry is None:
        raise ValidationError(f"未知的省级区划代码 {code}。请使用 GB/T 2260 省级代码，如 320000。")
    if entry.get("municipality"):
        return init_city(code=code)
    province = _get_or_create(code=code, name=entry["name"], kind=RegionKind.PROVINCE, parent=None)
    for order, city_entry in enumerate(entry["cities"], start=1):
        _init_city_entry(province=province, entry=city_entry, order=order)
    return province


@transaction.atomic
def region_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Region | None = None,
    short_name: str = "",
    is_assessment_unit: bool = False,
    sort_order: int = 0,
) -> Region:
    """Add a region under ``parent``; its materialised path follows from the parent's."""
    region = Region(
        code=code,
        name=name,
        short_name=short_name,
        kind=kind,
        parent=parent,
        is_assessment_unit=is_assessment_unit,
        sort_order=sort_order,
    )
    region.path, region.depth = path_for(parent, code)
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def region_move(*, region: Region, parent: Region | None) -> Region:
    """Put ``region`` (with everything below it) under ``parent``, rewriting the paths and
    depths of its whole subtree in one statement."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if parent is not None:
        parent = Region.objects.select_for_update().get(pk=parent.pk)
        if region.contains(parent):
            raise ValidationError("不能把区划移到它自己或它的下级之下。")
    old_path, old_depth = region.path, region.depth
    region.parent = parent
    region.path, region.depth = path_for(parent, region.code)
    region.full_clean()
    region.save()
    Region.objects.filter(path__startswith=f"{old_path}/").update(
        path=Concat(Value(region.path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (region.depth - old_depth),
    )
    return region


def assessment_units(city: Region):
    """The assessment units below ``city`` (at any depth) in their usual order."""
    return (
        Region.objects.filter(within("", city), is_assessment_unit=True)
        .exclude(pk=city.pk)
        .order_by("sort_order", "code")
    )
