"""The audit trail (审计日志): one append-only table of every change and security event,
each record chained by hash to the one before it.

A record is written once and never changed or deleted by the application: ``save`` of a
stored record, ``delete`` and the queryset's ``update``/``delete`` raise. Only
:func:`ballast.audit.services.prune` removes records, and only those older than the
retention period (at least 180 days). A deployment adds the database's own protection
(docs/audit.md: REVOKE UPDATE, DELETE on the table from the application's role).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from ballast.audit.choices import Action, Kind, Source

GENESIS = "0" * 64


class ReadableJSONEncoder(DjangoJSONEncoder):
    """Stores Chinese as itself, not as \\u escapes, so a text search finds it on SQLite."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit record."""


class AuditQuerySet(models.QuerySet):
    """The trail's queryset: reads only."""

    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError(
            "审计日志只能追加，不能删除（超过保存期限的记录用 audit_prune 清理）。"
        )

    update.queryset_only = True
    delete.queryset_only = True


class AuditRecord(models.Model):
    """One event of the trail: a change of a record (before/after), a sign-in, a failed
    sign-in, a lockout, a 2FA or permission event, an export of data.

    ``hash`` = sha256 over the canonical serialization of the record including
    ``prev_hash`` (``services.record_hash``); ``seq`` numbers the chain without gaps.
    """

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # Kept as text so the record stays readable (and its hash valid) if the user goes.
    actor_username = models.CharField("操作人用户名", max_length=150, blank=True)
    actor_role = models.CharField("操作人角色", max_length=16, blank=True)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    user_agent = models.CharField("客户端", max_length=255, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.SYSTEM)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    action = models.CharField("动作", max_length=32, blank=True)
    model_label = models.CharField("数据表", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True, encoder=ReadableJSONEncoder)
    reason = models.TextField("原因", blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditQuerySet.as_manager()

    access_group = "audit"

    # Few indexes, for a table that grows by a row per change: seq (the chain), at (date
    # ranges, pruning), kind with at, and the object. Text searches (actor, IP prefix,
    # content) scan within those.

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ("-seq",)
        indexes = [
            models.Index(fields=("model_label", "object_id"), name="audit_object"),
            models.Index(fields=("kind", "at"), name="audit_kind_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.object_repr or self.actor_username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field, before, after) of a change record."""
        if self.kind != Kind.CHANGE:
            return []
        return [
            (field, values.get("before"), values.get("after"))
            for field, values in (self.changes or {}).items()
            if isinstance(values, dict)
        ]

    @property
    def detail_rows(self) -> list[tuple[str, object]]:
        """(key, value) of an event's detail (a sign-in, an export …)."""
        if self.kind == Kind.CHANGE:
            return []
        return list((self.changes or {}).items())

    @property
    def action_label(self) -> str:
        return dict(Action.choices).get(self.action, self.action)


class ChainHead(models.Model):
    """The end of the chain (one row): the last ``seq`` and ``hash``, and the anchor left by
    pruning (the hash of the last pruned record, the first kept record's ``prev_hash``).

    Appending locks this row inside the writing transaction, so two writers never take
    the same ``seq`` or fork the chain.
    """

    seq = models.BigIntegerField("末条序号", default=0)
    hash = models.CharField("末条哈希", max_length=64, default=GENESIS)
    pruned_seq = models.BigIntegerField("已清理至序号", default=0)
    pruned_hash = models.CharField("已清理末条哈希", max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
