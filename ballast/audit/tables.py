"""The trail's and the login log's export (审计日志, 登录日志): its columns written once,
through :class:`ballast.web.tables.Table`. The pages draw the same records with their
before → after detail (``audit/_rows.html``)."""

from django.utils import timezone

from ballast.web.tables import Table, column


def changes_text(record) -> str:
    """变更内容 of a record in one cell: "field: before → after; …" for a change, the
    event's detail ("key: value; …") otherwise."""
    if record.change_rows:
        return "; ".join(
            f"{field}: {'' if before is None else before} → {'' if after is None else after}"
            for field, before, after in record.change_rows
        )
    return "; ".join(f"{key}: {value}" for key, value in record.detail_rows)


class AuditTable(Table):
    """Every column the auditor may need of a record, in the trail's order."""

    seq = column(verbose_name="序号")
    at = column(verbose_name="时间")
    actor_username = column(verbose_name="操作人")
    actor_role = column(verbose_name="角色")
    ip = column(verbose_name="IP 地址")
    user_agent = column(verbose_name="客户端")
    source = column(verbose_name="来源")
    request_id = column(verbose_name="请求编号")
    kind = column(verbose_name="类型")
    action = column(verbose_name="动作")
    model_label = column(verbose_name="数据表")
    object_id = column(verbose_name="对象编号")
    object_repr = column(verbose_name="对象")
    changes = column(verbose_name="变更（前 → 后）", empty_values=())
    reason = column(verbose_name="原因")
    hash = column(verbose_name="哈希")

    def value_at(self, record):
        return timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S")

    def value_source(self, record):
        return record.get_source_display()

    def value_kind(self, record):
        return record.get_kind_display()

    def value_action(self, record):
        return record.action_label

    def value_changes(self, record):
        return changes_text(record)
