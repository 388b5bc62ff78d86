"""The trail is tamper-evident (each record chained by hash to the one before; audit_verify
names the first broken record) and kept at least 180 days: nothing in the application
changes or deletes a record, and audit_prune refuses anything younger."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from ballast.audit import services
from ballast.audit.models import GENESIS, AppendOnlyError, AuditRecord, ChainHead
from ballast.audit.services import RetentionError, prune, record_event, verify_chain


def _events(n):
    return [record_event(kind="export", action="export", detail={"n": i}) for i in range(n)]


def _verify():
    """audit_verify's message and exit code."""
    try:
        call_command("audit_verify", stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError as failure:
        return str(failure), failure.returncode
    return "", 0


def test_records_form_one_chain(db):
    records = _events(4)
    assert [r.seq for r in records] == [1, 2, 3, 4]
    assert records[0].prev_hash == GENESIS
    for before, after in zip(records, records[1:], strict=False):
        assert after.prev_hash == before.hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (4, records[-1].hash)
    assert verify_chain() == (4, None)
    assert _verify() == ("", 0)


def test_a_tampered_record_is_named(db):
    _events(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET actor_username = %s WHERE seq = %s", ["mallory", 3]
        )
    message, code = _verify()
    assert code == 1
    assert "第 3 条记录" in message and "篡改" in message
    assert verify_chain()[0] == 2


def test_a_deleted_record_is_named(db):
    _events(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq = 2")
    message, code = _verify()
    assert code == 1 and "第 2 条记录" in message and "缺失" in message


def test_a_recomputed_record_still_breaks_the_next_link(db):
    """Rewriting a record and its own hash leaves the next record pointing at the old one."""
    records = _events(4)
    forged = AuditRecord.objects.get(seq=2)
    forged.reason = "无事发生"
    forged_hash = services.record_hash(forged)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET reason = %s, hash = %s WHERE seq = 2",
            ["无事发生", forged_hash],
        )
    assert forged_hash != records[1].hash
    message, code = _verify()
    assert code == 1 and "第 3 条记录" in message


def test_a_cut_tail_is_found(db):
    _events(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq = 3")
    message, code = _verify()
    assert code == 1 and "链尾缺失" in message


def test_the_application_cannot_change_or_delete_a_record(db):
    record = _events(1)[0]
    record.reason = "改写"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(reason="改写")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get().reason == ""


def test_prune_refuses_records_younger_than_180_days(db):
    _events(2)
    today = timezone.localdate()
    with pytest.raises(RetentionError):
        prune(before=today - timedelta(days=179))
    with pytest.raises(CommandError) as failure:
        call_command("audit_prune", "--before", f"{today - timedelta(days=10):%Y-%m-%d}")
    assert "至少保存 180 天" in str(failure.value)
    assert AuditRecord.objects.count() == 2


def test_retention_cannot_be_set_below_180_days(db, settings, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 30
    with pytest.raises(ImproperlyConfigured):
        prune(before=date(2000, 1, 1))
    monkeypatch.setenv("BALLAST_AUDIT_RETENTION_DAYS", "90")
    from ballast.core.env import env_int

    with pytest.raises(ImproperlyConfigured):
        env_int("BALLAST_AUDIT_RETENTION_DAYS", 180, minimum=180)


def test_prune_removes_only_old_records_and_the_chain_still_verifies(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    old = _events(3)
    # Age the first three records by two years (as the years pass in production).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditrecord SET at = %s WHERE seq <= 3", [now - timedelta(days=730)]
        )
    for record in AuditRecord.objects.filter(seq__lte=3):
        # Their hashes cover ``at``: re-seal them as if they had been written then.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditrecord SET hash = %s WHERE seq = %s",
                [services.record_hash(record), record.seq],
            )
    _rechain()
    kept = _events(2)
    assert verify_chain()[1] is None
    with pytest.raises(RetentionError):
        prune(before=(now - timedelta(days=300)).date(), now=now)

    removed = prune(before=(now - timedelta(days=400)).date(), now=now, reason="到期清理")

    assert removed == len(old)
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == [
        kept[0].seq,
        kept[1].seq,
        kept[1].seq + 1,  # the pruning itself
    ]
    pruning = AuditRecord.objects.get(seq=kept[1].seq + 1)
    assert pruning.kind == "audit" and pruning.action == "prune"
    assert pruning.changes["removed"] == 3 and pruning.reason == "到期清理"
    assert verify_chain() == (3, None)


def _rechain():
    """Re-link the chain after the test aged its first records (test set-up only)."""
    previous = GENESIS
    for record in AuditRecord.objects.order_by("seq"):
        record.prev_hash = previous
        digest = services.record_hash(record)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditrecord SET prev_hash = %s, hash = %s WHERE seq = %s",
                [previous, digest, record.seq],
            )
        previous = digest
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_chainhead SET hash = %s", [previous])
    services.forget_held_head()


def test_hash_covers_every_field(db):
    record = _events(1)[0]
    original = services.record_hash(record)
    for field, value in [
        ("actor_username", "x"),
        ("ip", "1.2.3.4"),
        ("kind", "login"),
        ("changes", {"n": 1}),
        ("reason", "x"),
        ("at", datetime(2020, 1, 1, tzinfo=timezone.get_current_timezone())),
        ("prev_hash", "1" * 64),
    ]:
        copy = AuditRecord.objects.get(pk=record.pk)
        setattr(copy, field, value)
        assert services.record_hash(copy) != original, field


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(django_db_blocker):
    """Writers in parallel threads, each in its own transaction, queue at the chain head:
    one chain, no seq taken twice (PostgreSQL row lock; SQLite's write lock)."""
    import threading

    from django.db import connections, transaction

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("threads need a database file or server (run on PostgreSQL)")
    # Records committed before this test (a transactional test sees what earlier tests'
    # committed set-up left) stay in the chain: count from them.
    before = AuditRecord.objects.count()
    errors = []

    def writer(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    record_event(kind="export", action="export", detail={"w": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditRecord.objects.count() == before + 40
    assert verify_chain() == (before + 40, None)


def test_a_rolled_back_change_leaves_no_gap_in_the_chain(db):
    """A savepoint rolled back takes its records with it; the next record links to the
    last one kept (the transaction's remembered head is dropped with the savepoint)."""
    from django.db import transaction

    with transaction.atomic():
        first = record_event(kind="export", action="export", detail={"n": 1})
        with pytest.raises(RuntimeError), transaction.atomic():
            record_event(kind="export", action="export", detail={"n": 2})
            raise RuntimeError("the change fails")
        third = record_event(kind="export", action="export", detail={"n": 3})
    assert third.seq == first.seq + 1 and third.prev_hash == first.hash
    assert verify_chain() == (2, None)
