"""Writing, verifying and pruning the audit trail.

Every record is appended by :func:`append`: inside the caller's transaction it locks the
chain head (an UPDATE of its one row — a row lock on PostgreSQL, the database write lock
on SQLite), numbers the records after the head, chains each one's hash to the previous
one and moves the head. A change and its trail record commit or roll back together, and
two concurrent writers queue at the head instead of forking the chain.

Changes arrive from django-simple-history (``record_change`` for each historical row,
``record_bulk`` for rows written by ``bulk_create_with_history``); security events from
the receivers in ``receivers.py``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from ballast.audit.choices import Kind
from ballast.audit.models import GENESIS, AuditRecord, ChainHead
from ballast.core.history import builder, current_actor, insert_many

# 等保2.0 三级 asks for audit records kept at least six months; no setting goes below it.
MINIMUM_RETENTION_DAYS = 180

# Fields whose values never enter the trail (only that they changed).
SECRET_FIELDS = {"password", "secret", "otp_secret", "token", "key_hash", "bin_key"}
# Bookkeeping fields every model has; their change says nothing.
# (last_login: each sign-in is its own record already.)
IGNORED_FIELDS = {"updated_at", "last_login"}
MASK = "******"


# --------------------------------------------------------------------------- the chain


def record_hash(record: AuditRecord) -> str:
    """sha256 over the canonical serialization of ``record`` (its ``prev_hash`` included)."""
    at = record.at.astimezone(UTC).isoformat(timespec="microseconds")
    data = {
        "seq": record.seq,
        "at": at,
        "actor": record.actor_username,
        "actor_role": record.actor_role,
        "ip": record.ip,
        "user_agent": record.user_agent,
        "source": record.source,
        "request_id": record.request_id,
        "kind": record.kind,
        "action": record.action,
        "model": record.model_label,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "changes": record.changes,
        "reason": record.reason,
        "prev_hash": record.prev_hash,
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock_head() -> ChainHead:
    """Lock the chain head for the rest of the transaction and return it."""
    # An UPDATE first: it waits for any other writer and then holds the lock (PostgreSQL
    # row lock, SQLite write lock) until commit; the read after it sees the latest head.
    if not ChainHead.objects.filter(pk=1).update(seq=F("seq")):
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        ChainHead.objects.filter(pk=1).update(seq=F("seq"))
    return ChainHead.objects.get(pk=1)


class _HeadHeld:
    """An on-commit no-op that marks "this transaction holds the chain head, which now
    stands at ``seq``/``hash``". Django drops it when the transaction ends and when a
    savepoint it was registered in rolls back — just when the lock (PostgreSQL releases
    a rolled-back savepoint's row locks) or the remembered head stop being true. Later
    appends of the same transaction then skip the lock and the read: a 600-row import
    pays them once."""

    __slots__ = ("seq", "hash")

    def __init__(self, seq: int, hash: str):
        self.seq, self.hash = seq, hash

    def __call__(self):
        pass


def _held(conn) -> _HeadHeld | None:
    token = getattr(conn, "_audit_head", None)
    if token is None:
        return None
    for entry in reversed(getattr(conn, "run_on_commit", ())):
        if entry[1] is token:
            return token
    return None


def append(entries: list[dict]) -> list[AuditRecord]:
    """Append records (dicts of AuditRecord fields) to the chain, in order."""
    if not entries:
        return []
    conn = transaction.get_connection()
    with transaction.atomic():
        held = _held(conn)
        if held is None:
            head = _lock_head()
            seq, previous = head.seq, head.hash
        else:
            seq, previous = held.seq, held.hash
        now = timezone.now()
        records = []
        make = builder(AuditRecord)
        for entry in entries:
            seq += 1
            # The time of recording: monotonic along the chain (a change's own time is
            # that of its historical row, which a demo build or import may backdate).
            record = make({**entry, "seq": seq, "at": now, "prev_hash": previous})
            if record.kind != Kind.CHANGE:  # a change's values are plain already
                record.changes = _plain_json(record.changes or {})
            record.hash = record_hash(record)
            previous = record.hash
            records.append(record)
        if len(records) == 1:
            AuditRecord.objects.bulk_create(records)
        else:  # many (a bulk write's trail): one prepared INSERT, the records keep no id
            insert_many(AuditRecord, records)
        ChainHead.objects.filter(pk=1).update(seq=seq, hash=previous)
        conn._audit_head = _HeadHeld(seq, previous)
        transaction.on_commit(conn._audit_head)
    return records


def forget_held_head() -> None:
    """Make the next append re-read the head (after the head was changed by hand)."""
    transaction.get_connection()._audit_head = None


def _plain(value):
    """A field value as the trail stores it: None, bool, int or text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _plain_json(value):
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(v) for v in value]
    return _plain(value)


# --------------------------------------------------------------------------- who, from where


def _context(user=None, request=None) -> dict:
    """Who and from where: the given user/request, else the running request's context."""
    actor = current_actor()
    if user is None:
        user = actor.user
    if user is not None and not getattr(user, "pk", None):
        user = None
    ip, agent, request_id = actor.ip, actor.user_agent, actor.request_id
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or ip
        agent = request.META.get("HTTP_USER_AGENT", "")[:255] or agent
        request_id = getattr(request, "request_id", "") or request_id
    return {
        "actor": user,
        "actor_username": user.get_username() if user is not None else "",
        "actor_role": getattr(user, "role", "") or "",
        "ip": ip or "",
        "user_agent": agent or "",
        "request_id": request_id or "",
        "source": actor.source,
    }


# --------------------------------------------------------------------------- changes


def _tracked_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]


def _value(field, row):
    if field.name in SECRET_FIELDS or field.name.endswith("_secret"):
        return MASK if getattr(row, field.attname, None) else ""
    value = getattr(row, field.attname, None)
    if isinstance(field, models.DecimalField) and value is not None:
        # As stored (150000 and 150000.00 are one amount, not a change).
        value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    return _plain(value)


_READERS: dict = {}


def _readers(model) -> list:
    """(attname, how to read it) for each field the trail keeps: what :func:`_value`
    does, decided once per model."""
    readers = _READERS.get(model)
    if readers is None:
        readers = []
        for field in _tracked_fields(model):
            if field.name in SECRET_FIELDS or field.name.endswith("_secret"):
                how = "secret"
            elif isinstance(field, models.DecimalField):
                how = Decimal(1).scaleb(-field.decimal_places)
            else:
                how = None
            readers.append((field.attname, how))
        _READERS[model] = readers
    return readers


_PLAIN = (type(None), bool, int, str)


def _snapshot(model, row) -> dict:
    snapshot = {}
    values = row.__dict__
    for attname, how in _readers(model):
        value = values[attname] if attname in values else getattr(row, attname, None)
        if how is None:
            snapshot[attname] = value if type(value) in _PLAIN else _plain(value)
        elif how == "secret":
            snapshot[attname] = MASK if value else ""
        else:
            snapshot[attname] = None if value is None else str(Decimal(value).quantize(how))
    return snapshot


def _changes(model, row, previous) -> dict:
    """{"field": {"before": …, "after": …}} for the fields the change touched."""
    after = _snapshot(model, row)
    if row.history_type == "+":
        return {k: {"before": None, "after": v} for k, v in after.items() if v not in (None, "")}
    if row.history_type == "-":
        return {k: {"before": v, "after": None} for k, v in after.items() if v not in (None, "")}
    before = _snapshot(model, previous) if previous is not None else {}
    return {
        k: {"before": before.get(k), "after": v}
        for k, v in after.items()
        if previous is None or before.get(k) != v
    }


def _repr(row, instance=None) -> str:
    """The object's name; from the saved instance when at hand (its related rows are
    loaded already), else rebuilt from the historical row."""
    try:
        return str(instance if instance is not None else row.instance)[:200]
    except Exception:  # a repr that needs a related row that is gone
        return ""


def _change_entry(row, previous, instance=None, contexts=None) -> dict:
    model = row.instance_type
    if contexts is None:
        context = _context(user=row.history_user)
    else:  # many rows: who and from where, once per user
        key = row.history_user_id
        if key not in contexts:
            contexts[key] = _context(user=row.history_user)
        context = dict(contexts[key])
    context["source"] = getattr(row, "history_source", "") or context["source"]
    reason = getattr(row, "history_reason_text", "") or row.history_change_reason or ""
    return {
        **context,
        "kind": Kind.CHANGE,
        "action": row.history_type,
        "model_label": model._meta.label,
        "object_id": str(getattr(row, model._meta.pk.attname)),
        "object_repr": _repr(row, instance),
        "changes": _changes(model, row, previous),
        "reason": reason,
    }


def record_change(row, instance=None) -> AuditRecord | None:
    """One trail record for one historical row (simple-history), before and after; none
    for a save that changed nothing the trail keeps."""
    previous = row.prev_record if row.history_type == "~" else None
    entry = _change_entry(row, previous, instance)
    if row.history_type == "~" and previous is not None and not entry["changes"]:
        return None
    return append([entry])[0]


def record_bulk(rows, objects=None, previous=None) -> list[AuditRecord]:
    """Trail records for historical rows written in bulk (``bulk_create_with_history``,
    ``bulk_update_with_history`` send no signal), appended under one lock.

    ``objects`` — the saved instances, when the caller has them — give each record its
    name without a query per row; ``previous`` — each changed object's history row
    before the change, by object id — its "before" values without a query per row. As
    :func:`record_change`, a change that touched nothing the trail keeps has no record.
    """
    rows = list(rows)
    by_pk = {obj.pk: obj for obj in objects or ()}
    users = {}
    for row in rows:
        if row.history_user_id is not None and row.history_user_id not in users:
            users[row.history_user_id] = row.history_user
        row.history_user = users.get(row.history_user_id)
    entries = []
    contexts: dict = {}
    for row in rows:
        object_id = getattr(row, row.instance_type._meta.pk.attname)
        before = None
        if row.history_type == "~":
            before = previous.get(object_id) if previous is not None else row.prev_record
        entry = _change_entry(row, before, by_pk.get(object_id), contexts)
        if row.history_type == "~" and before is not None and not entry["changes"]:
            continue
        entries.append(entry)
    return append(entries)


# --------------------------------------------------------------------------- events


def record_event(
    *,
    kind: str,
    action: str = "",
    user=None,
    request=None,
    target=None,
    username: str = "",
    detail: dict | None = None,
    reason: str = "",
) -> AuditRecord:
    """A security event or an export: who, from where, about whom, with what detail."""
    context = _context(user=user, request=request)
    if username and not context["actor_username"]:
        context["actor_username"] = username[:150]
    entry = {**context, "kind": kind, "action": action, "changes": detail or {}, "reason": reason}
    if target is not None:
        entry.update(
            model_label=target._meta.label,
            object_id=str(target.pk),
            object_repr=str(target)[:200],
        )
    return append([entry])[0]


# --------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    seq: int
    problem: str


def verify_chain() -> tuple[int, Break | None]:
    """Walk the chain in order; return how many records hold and the first break."""
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(pk=1)
    expected_seq, previous, checked = head.pruned_seq + 1, head.pruned_hash, 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if record.seq != expected_seq:
            return checked, Break(expected_seq, f"第 {expected_seq} 条记录缺失（被删除）")
        if record.prev_hash != previous:
            return checked, Break(record.seq, "前一条哈希与链上一条记录不符（记录被删除或替换）")
        if record_hash(record) != record.hash:
            return checked, Break(record.seq, "内容与哈希不符（记录被篡改）")
        previous, expected_seq, checked = record.hash, expected_seq + 1, checked + 1
    if head.seq != expected_seq - 1 or head.hash != previous:
        return checked, Break(
            expected_seq, f"链尾缺失：链头为第 {head.seq} 条，记录止于第 {expected_seq - 1} 条"
        )
    return checked, None


def record_holds(record: AuditRecord) -> bool:
    """Whether ``record`` matches its hash and links to the record before it."""
    if record_hash(record) != record.hash:
        return False
    before = AuditRecord.objects.filter(seq=record.seq - 1).values_list("hash", flat=True).first()
    if before is None:
        head = ChainHead.objects.filter(pk=1).first()
        anchor = head.pruned_hash if head and head.pruned_seq == record.seq - 1 else GENESIS
        return record.prev_hash == anchor
    return record.prev_hash == before


# --------------------------------------------------------------------------- retention


def retention_days() -> int:
    """The retention period in days; a setting below 180 days is refused."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"审计日志保存期限不得少于 {MINIMUM_RETENTION_DAYS} 天（当前设置 {days} 天）。"
        )
    return days


class RetentionError(Exception):
    """Pruning would remove records younger than the retention period."""


@transaction.atomic
def prune(*, before: date, now: datetime | None = None, reason: str = "") -> int:
    """Remove the records dated before ``before`` — only when all of them are older than
    the retention period — and leave the hash of the last removed one as the anchor the
    chain starts from. The pruning itself is recorded."""
    now = now or timezone.now()
    days = retention_days()
    oldest_allowed = timezone.localtime(now).date() - timedelta(days=days)
    if before > oldest_allowed:
        raise RetentionError(
            f"只能清理 {oldest_allowed:%Y-%m-%d} 之前的记录：审计日志至少保存 {days} 天。"
        )
    head = _lock_head()
    cutoff = timezone.make_aware(datetime.combine(before, datetime.min.time()))
    # Only a prefix of the chain goes: everything before the first record at or after the
    # cutoff, so the kept records stay one unbroken chain.
    kept = AuditRecord.objects.filter(at__gte=cutoff).order_by("seq").values("seq").first()
    doomed = AuditRecord.objects.filter(seq__gt=head.pruned_seq)
    if kept is not None:
        doomed = doomed.filter(seq__lt=kept["seq"])
    last = doomed.order_by("-seq").first()
    if last is None:
        return 0
    doomed = AuditRecord.objects.filter(seq__lte=last.seq)
    count = doomed.count()
    # The one door that deletes: the model and queryset refuse every other.
    doomed._raw_delete(doomed.db)
    ChainHead.objects.filter(pk=1).update(pruned_seq=last.seq, pruned_hash=last.hash)
    record_event(
        kind=Kind.AUDIT,
        action="prune",
        detail={"before": before.isoformat(), "removed": count, "through_seq": last.seq},
        reason=reason,
    )
    return count
