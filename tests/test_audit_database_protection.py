"""docs/audit.md's database protection holds on PostgreSQL: a role with only SELECT and
INSERT on the trail (and SELECT, INSERT, UPDATE on its head) appends records but can
neither change nor delete one."""

import pytest
from django.db import DatabaseError, connection, transaction

from ballast.audit.models import AuditRecord
from ballast.audit.services import record_event, verify_chain

GRANTS = [
    "CREATE ROLE h5_audit_app NOLOGIN",
    "GRANT SELECT, INSERT ON audit_auditrecord TO h5_audit_app",
    "GRANT SELECT, INSERT, UPDATE ON audit_chainhead TO h5_audit_app",
]


@pytest.mark.postgres
def test_an_append_only_role_appends_but_cannot_rewrite(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles: PostgreSQL only")
    record_event(kind="export", action="export", detail={"n": 0})
    with connection.cursor() as cursor:
        for statement in GRANTS:  # roles are transactional: the test's rollback drops it
            cursor.execute(statement)
        cursor.execute("SET LOCAL ROLE h5_audit_app")
    record_event(kind="export", action="export", detail={"n": 1})
    for statement in (
        "UPDATE audit_auditrecord SET reason = 'x'",
        "DELETE FROM audit_auditrecord",
        "TRUNCATE audit_auditrecord",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert AuditRecord.objects.count() == 2
    assert verify_chain() == (2, None)
