"""What someone with owner rights on the database can do to the trail, for the tests that catch it."""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from audit import guards
from audit.hashing import entry_seal

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


def reseal_with_the_key(entry, *, actor_label: str = "someone else") -> None:
    """Change an entry's actor and seal it again, as someone who also holds the MAC key would: its own
    seal checks out; only the next entry's link to it (the full verification) shows the change."""
    entry.actor_label = actor_label
    entry_seal(entry)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = %s, entry_hash = %s WHERE id = %s",
                       [entry.actor_label, entry.entry_hash, entry.pk])
