"""Choices of the bulletins (通报)."""

from django.db import models


class Kind(models.TextChoices):
    """Which rhythm a bulletin belongs to: 季度比、半年评、年度考."""

    QUARTER = "quarter", "季度通报"
    HALF = "half", "半年通报"
    YEAR = "year", "年度通报"
    ROUND = "round", "攻坚轮次通报"  # a round of an attraction campaign (bulletins/rounds.py)


# Period kind (ballast.core.periods.Period.kind) → bulletin kind.
KIND_OF_PERIOD = {"Q": Kind.QUARTER, "H": Kind.HALF, "Y": Kind.YEAR}
