"""Writes of the early-warning domain: the city's rule settings."""

from __future__ import annotations

from django.db import transaction

from ballast.accounts import policy
from ballast.alerts import registry
from ballast.alerts.models import WarningRule
from ballast.core.history import acting

RULE_FIELDS = ("enabled", "yellow_threshold", "red_threshold", "description")


@transaction.atomic
def ensure_default_rules(city) -> list[WarningRule]:
    """Give ``city`` a row for every registered rule it lacks, holding the rule's defaults.

    Existing rows are left as the city set them. Returns the city's rules in registry
    order. Safe to call again (and from two processes: the unique constraint holds).
    """
    existing = set(WarningRule.objects.filter(city=city).values_list("key", flat=True))
    with acting(reason="默认预警规则"):
        for registered in registry.all_rules():
            if registered.key in existing:
                continue
            d = registered.defaults
            rule = WarningRule(
                city=city,
                key=registered.key,
                enabled=True,
                yellow_threshold=d.yellow,
                red_threshold=d.red,
                threshold_unit=d.unit,
                description=d.description,
            )
            rule.full_clean()
            WarningRule.objects.get_or_create(
                city=city,
                key=registered.key,
                defaults={
                    f: getattr(rule, f)
                    for f in ("enabled", "yellow_threshold", "red_threshold", "threshold_unit")
                }
                | {"description": rule.description},
            )
    order = {r.key: r.order for r in registry.all_rules()}
    return sorted(
        WarningRule.objects.filter(city=city, key__in=order),
        key=lambda r: order[r.key],
    )


@transaction.atomic
def rule_update(*, user, rule: WarningRule, data: dict, reason: str = "") -> WarningRule:
    """Change a city's warning rule (on/off, thresholds, description)."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown warning rule fields: {sorted(unknown)}")
    locked = WarningRule.objects.select_for_update().get(pk=rule.pk)
    policy.check(user, policy.CHANGE, locked)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    with acting(user, reason=reason or None):
        locked.save()
    return locked
