"""Early-warning rules (预警规则): the thresholds a city sets for each rule, as data."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from ballast.alerts import registry
from ballast.alerts.choices import ThresholdUnit
from ballast.core.models import BallastModel


class WarningRule(BallastModel):
    """One city's setting of one warning rule: on/off and its yellow and red thresholds.

    ``key`` names a rule of :mod:`ballast.alerts.registry` (``start_overdue``,
    ``stalled`` …). A city without a row for a rule uses the rule's registered defaults;
    :func:`ballast.alerts.services.ensure_default_rules` writes them as rows the city can
    then change. A rule fires yellow when its measure reaches ``yellow_threshold`` and red
    when it reaches ``red_threshold`` (see ``docs/warnings.md`` for each rule's measure).
    """

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="warning_rules"
    )
    key = models.CharField("规则", max_length=32)
    enabled = models.BooleanField("启用", default=True)
    yellow_threshold = models.DecimalField(
        "黄色预警阈值",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), "阈值不能为负数。")],
    )
    red_threshold = models.DecimalField(
        "红色预警阈值",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), "阈值不能为负数。")],
    )
    threshold_unit = models.CharField("阈值单位", max_length=8, choices=ThresholdUnit.choices)
    description = models.TextField("说明", blank=True)

    access_group = "config"
    city_path = "city"

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ("city", "key")
        constraints = [
            models.UniqueConstraint(fields=("city", "key"), name="warning_rule_once_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.label}"

    @property
    def label(self) -> str:
        registered = registry.get(self.key)
        return registered.label if registered else self.key

    def clean(self):
        super().clean()
        errors = {}
        if self.key and registry.get(self.key) is None:
            errors["key"] = f"未知的预警规则“{self.key}”。"
        if (
            self.yellow_threshold is not None
            and self.red_threshold is not None
            and self.red_threshold < self.yellow_threshold
        ):
            errors["red_threshold"] = "红色预警阈值不能低于黄色预警阈值。"
        if self.threshold_unit in (ThresholdUnit.MONTHS, ThresholdUnit.DAYS):
            for field in ("yellow_threshold", "red_threshold"):
                value = getattr(self, field)
                if value is not None and value != value.to_integral_value():
                    errors[field] = "按月或按天计的阈值应为整数。"
        if errors:
            raise ValidationError(errors)

    def months(self, field: str = "yellow") -> int:
        """A threshold counted in whole months (or days)."""
        return int(getattr(self, f"{field}_threshold"))
