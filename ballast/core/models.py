"""The base model every domain model derives from.

``BallastModel`` gives each model its history table (who, when, before/after, reason,
source) through django-simple-history, and the restricted queryset that the access
policy uses. Feature by mixin, as NetBox does, not per-model code.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from ballast.core import access
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
        return access.restrict(self, user, action)


class Versioned(models.Model):
    """Optimistic concurrency: a ``version`` that every save raises by one.

    A form carries the version it was opened at; the service compares it, inside its
    transaction and after ``select_for_update``, with the locked row's
    (:func:`ballast.core.concurrency.check_version`) and refuses a stale save. The number
    is raised in ``save()`` — like ``updated_at`` — so that every door (page, admin,
    import, command) moves it, and a form opened before any of them sees the change. A
    later API gives it as the ETag and reads it back from ``If-Match``.
    """

    version = models.PositiveIntegerField(
        "版本", default=1, editable=False, help_text="每次保存加一，用于防止覆盖他人的修改。"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # One past the stored number, not past this instance's: an instance read
            # before another save (an unlocked door) still moves the version on.
            stored = (
                type(self)._base_manager.filter(pk=self.pk).values_list("version", flat=True)
            ).first()
            self.version = max(stored or 0, self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @property
    def etag(self) -> str:
        """The version as an HTTP entity tag (``"3"``)."""
        return f'"{self.version}"'


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
