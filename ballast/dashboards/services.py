"""Writes of the dashboards app: loading the units' outlines for the map."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ballast.accounts import policy
from ballast.dashboards.models import UnitOutline
from ballast.regions.models import Region
from ballast.regions.services import assessment_units


def features_of(data) -> list[dict]:
    """The features of a GeoJSON FeatureCollection (or a single Feature)."""
    if not isinstance(data, dict):
        raise ValidationError("文件不是 GeoJSON 对象。")
    if data.get("type") == "FeatureCollection":
        return list(data.get("features") or [])
    if data.get("type") == "Feature":
        return [data]
    raise ValidationError("文件必须是 GeoJSON 的 FeatureCollection 或 Feature。")


@transaction.atomic
def outlines_load(*, user, city: Region, data) -> list[UnitOutline]:
    """Store the outline of every assessment unit of ``city`` found in ``data``.

    Each feature names its unit by ``properties.code`` (行政区划代码, e.g. ``321081``)
    or, failing that, by ``properties.name`` (full or short name). A unit's existing
    outline is replaced; units not in the file keep theirs. Unknown features are an
    error, so a wrong file changes nothing.
    """
    units = list(assessment_units(city))
    by_code = {u.code: u for u in units}
    by_name = {u.name: u for u in units} | {u.short_name: u for u in units if u.short_name}
    saved = []
    errors = []
    for index, feature in enumerate(features_of(data), start=1):
        props = (feature or {}).get("properties") or {}
        unit = by_code.get(str(props.get("code", "")).strip()) or by_name.get(
            str(props.get("name", "")).strip()
        )
        if unit is None:
            errors.append(
                f"第 {index} 个要素（{props.get('code') or props.get('name') or '无名'}）"
                f"不是{city.name}的考核板块。"
            )
            continue
        outline = UnitOutline.objects.filter(region=unit).first() or UnitOutline(region=unit)
        if user is not None and outline.pk:
            policy.check(user, policy.CHANGE, outline)
        elif not outline.pk:
            _check_city(user, city)
        outline.geojson = (feature or {}).get("geometry")
        try:
            outline.full_clean()
        except ValidationError as exc:
            errors.append(f"第 {index} 个要素（{unit.name}）：{'；'.join(exc.messages)}")
            continue
        outline.save()
        saved.append(outline)
    if errors:
        raise ValidationError(errors)
    return saved


def _check_city(user, city: Region) -> None:
    """A new outline is city configuration: the city's administrators add it."""
    if user is None:  # a command run by the operator without --user
        return
    if not policy.may(user, policy.ADD, UnitOutline):
        raise policy.PermissionDenied("您没有新增板块轮廓的权限。")
    if not user.is_superuser and user.city_id_in_scope != city.pk:
        raise policy.PermissionDenied("该市不在您的管理范围内。")
