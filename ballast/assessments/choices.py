"""Choices of assessments (季度比、半年评、年度考) and 亩均论英雄."""

from decimal import Decimal

from django.db import models


class PeriodKind(models.TextChoices):
    """The period a scheme assesses (the notation of :class:`ballast.core.periods.Period`)."""

    MONTH = "month", "月度"
    TWO_MONTH = "two_month", "双月"
    QUARTER = "quarter", "季度"
    HALF = "half", "半年"
    YEAR = "year", "年度"
    # A round of an attraction campaign (百日攻坚 / 招商擂台赛): scored on its own dates
    # and the round's per-unit targets (ballast.attraction), not on a calendar period.
    ROUND = "round", "攻坚轮次"


# Period.kind → PeriodKind
PERIOD_KIND_OF = {
    "M": PeriodKind.MONTH,
    "B": PeriodKind.TWO_MONTH,
    "Q": PeriodKind.QUARTER,
    "H": PeriodKind.HALF,
    "Y": PeriodKind.YEAR,
}


class Method(models.TextChoices):
    """How an indicator turns a figure into points."""

    TARGET_SHARE = "target_share", "目标完成比例"
    RANK = "rank", "排名赋分"
    BANDS = "bands", "分档赋分"
    MANUAL = "manual", "人工评分"


DEFAULT_CAP = Decimal("1.2")


class EfficiencyIndicator(models.TextChoices):
    """亩均 indicators: the definitions are the law of the domain, so they are code."""

    TAX_PER_MU = "tax_per_mu", "亩均税收（万元/亩）"
    SALES_PER_MU = "sales_per_mu", "亩均销售（万元/亩）"
    VALUE_ADDED_PER_MU = "value_added_per_mu", "亩均增加值（万元/亩）"
    VALUE_ADDED_PER_ENERGY = "value_added_per_energy", "单位能耗增加值（万元/吨标煤）"
    VALUE_ADDED_PER_EMISSION = "value_added_per_emission", "单位排放增加值（万元/吨）"
    LABOUR_PRODUCTIVITY = "labour_productivity", "全员劳动生产率（万元/人）"
    RD_SHARE = "rd_share", "研发经费占比"


# indicator → (numerator field, denominator field) on EfficiencyRecord; "land" is the
# record's land area, falling back to the project's.
EFFICIENCY_RATIOS = {
    EfficiencyIndicator.TAX_PER_MU: ("tax", "land"),
    EfficiencyIndicator.SALES_PER_MU: ("sales", "land"),
    EfficiencyIndicator.VALUE_ADDED_PER_MU: ("value_added", "land"),
    EfficiencyIndicator.VALUE_ADDED_PER_ENERGY: ("value_added", "energy"),
    EfficiencyIndicator.VALUE_ADDED_PER_EMISSION: ("value_added", "emissions"),
    EfficiencyIndicator.LABOUR_PRODUCTIVITY: ("value_added", "employees"),
    EfficiencyIndicator.RD_SHARE: ("rd_spending", "sales"),
}


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class EfficiencyClass(models.TextChoices):
    A = "A", "A类（优先发展）"
    B = "B", "B类（鼓励提升）"
    C = "C", "C类（帮扶转型）"
    D = "D", "D类（倒逼整治）"


# cumulative share of graded projects at the bottom edge of A, B, C; the rest are D
DEFAULT_CLASS_CUTOFFS = {"A": "0.25", "B": "0.70", "C": "0.95"}
