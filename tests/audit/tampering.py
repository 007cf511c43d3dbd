"""What someone with owner rights on the database can do to the trail, for the tests that catch it."""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from audit import guards

SQLITE_TRIGGERS = {
    "audit_entry_no_update": guards.SQLITE_NO_UPDATE,
    "audit_entry_no_delete": guards.SQLITE_NO_DELETE,
    "audit_head_no_rewind": guards.SQLITE_HEAD_NO_REWIND,
}


@contextmanager
def guards_lifted():
    """Lift the database's append-only guards, and put them back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_no_rewind")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
                cursor.execute("ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_head_no_rewind")
            else:
                for statement in SQLITE_TRIGGERS.values():
                    cursor.execute(statement)
