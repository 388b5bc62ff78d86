"""Choices of the early-warning domain (预警)."""

from django.db import models


class Level(models.TextChoices):
    """A warning's level; red is worse than yellow."""

    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色预警"


LEVEL_RANK = {Level.RED: 0, Level.YELLOW: 1}  # red first when sorting


class ThresholdUnit(models.TextChoices):
    """What a rule's yellow/red threshold counts."""

    MONTHS = "months", "月"
    DAYS = "days", "天"
    POINTS = "points", "百分点"
    RATIO = "ratio", "倍"


class SiteCheckStatus(models.TextChoices):
    """Where one project of an on-site check list (现场抽查) stands."""

    PENDING = "pending", "待核查"
    CONFIRMED = "confirmed", "核查属实"
    INFLATED = "inflated", "发现虚报"
