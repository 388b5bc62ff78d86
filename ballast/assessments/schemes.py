"""A scheme (考核方案) as a YAML document: read and checked, and written back
(``manage.py scheme``, the admin, the shipped defaults). Used by the services (import)
and the selectors (a scheme's definition), so it imports neither."""

from __future__ import annotations

from decimal import Decimal

import yaml
from django.core.exceptions import ValidationError

from ballast.assessments.choices import Method, PeriodKind
from ballast.assessments.models import Scheme, validate_params
from ballast.assessments.registry import data_keys

INDICATOR_FIELDS = ("key", "label", "weight", "method", "order")


def scheme_data_from_yaml(text: str) -> dict:
    """Parse and check a scheme YAML document; errors in Chinese."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(f"YAML 格式错误：{exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError("方案文件应为一个 YAML 映射（slug、name、period、indicators）。")
    missing = [k for k in ("slug", "name", "period", "indicators") if k not in data]
    if missing:
        raise ValidationError(f"方案文件缺少：{'、'.join(missing)}。")
    if data["period"] not in PeriodKind.values:
        raise ValidationError(
            f"考核周期“{data['period']}”无效，应为 {'、'.join(PeriodKind.values)}。"
        )
    if not isinstance(data["indicators"], list) or not data["indicators"]:
        raise ValidationError("方案至少需要一个指标。")
    keys = set()
    for number, item in enumerate(data["indicators"], start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"第 {number} 个指标应为映射。")
        for k in ("key", "label", "weight", "method"):
            if k not in item:
                raise ValidationError(f"第 {number} 个指标缺少 {k}。")
        if item["key"] in keys:
            raise ValidationError(f"指标代码“{item['key']}”重复。")
        keys.add(item["key"])
        if item["method"] not in Method.values:
            raise ValidationError(
                f"指标“{item['label']}”的计分方法“{item['method']}”无效，"
                f"应为 {'、'.join(Method.values)}。"
            )
        try:
            validate_params(item["method"], indicator_params(item), Decimal(str(item["weight"])))
        except ValidationError as exc:
            raise ValidationError(f"指标“{item['label']}”：{'；'.join(exc.messages)}") from exc
        # every data key is one of the figures' (docs/figures.md)
        for key in (
            item["key"] if item["method"] != Method.MANUAL else None,
            item.get("target_key"),
        ):
            if key is not None and key not in data_keys(data["period"]):
                raise ValidationError(
                    f"指标“{item['label']}”的数据键“{key}”不存在（见 docs/figures.md）。"
                )
    return data


def indicator_params(item: dict) -> dict:
    """The method parameters of a YAML indicator: every key but the indicator's fields."""
    params = {k: v for k, v in item.items() if k not in INDICATOR_FIELDS}
    return _json_safe(params)


def _json_safe(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return str(Decimal(str(value)))
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def scheme_export(scheme: Scheme) -> str:
    """The scheme as a YAML document (the format of :func:`services.scheme_import`)."""
    indicators = []
    for indicator in scheme.indicators.all():
        item = {
            "key": indicator.key,
            "label": indicator.label,
            "weight": _yaml_number(indicator.weight),
            "method": indicator.method,
        }
        item.update(indicator.params)
        indicators.append(item)
    data = {
        "slug": scheme.slug,
        "name": scheme.name,
        "period": scheme.period_kind,
        "description": scheme.description,
        "active": scheme.active,
        "indicators": indicators,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _yaml_number(value: Decimal):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else str(value)
