"""The base model every domain model derives from.

``BallastModel`` gives each model its history table (who, when, before/after, reason,
source) through django-simple-history, and the restricted queryset that the access
policy uses. Feature by mixin, as NetBox does, not per-model code.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from ballast.core.history import history_user


class HistoryExtra(models.Model):
    """Extra columns on every historical table."""

    history_source = models.CharField("来源", max_length=16, default="system")
    history_reason_text = models.TextField("原因", blank=True, default="")

    class Meta:
        abstract = True


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may see or do."""

    def restrict(self, user, action: str = "view"):
        from ballast.accounts.policy import restrict

        return restrict(self, user, action)


class BallastModel(models.Model):
    """Abstract base: timestamps, history, restricted queryset."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        inherit=True,
        bases=[HistoryExtra],
        get_user=history_user,
        history_change_reason_field=models.TextField(null=True),
    )

    objects = RestrictedQuerySet.as_manager()

    # Path from this model to the assessment unit (板块) that owns it; used by the
    # access policy. ``None`` means the model is not owned by a unit.
    unit_path: str | None = None

    class Meta:
        abstract = True
