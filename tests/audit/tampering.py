"""What someone with owner rights on the database can do to the trail, for the tests that catch it."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from audit import guards
from audit.checkpoints import checkpoint_dir
from audit.hashing import entry_seal
from audit.models import AuditEntry
from core.partitions import month_bounds, partitions_ensure

SQLITE_TRIGGERS = {
    "audit_entry_no_update": guards.SQLITE_NO_UPDATE,
    "audit_entry_no_delete": guards.SQLITE_NO_DELETE,
    "audit_head_no_rewind": guards.SQLITE_HEAD_NO_REWIND,
    "audit_head_no_delete": guards.SQLITE_HEAD_NO_DELETE,
}
PG_TRIGGERS = {
    "audit_auditentry": ("audit_entry_append_only",),
    "audit_auditchainhead": ("audit_head_no_rewind", "audit_head_no_delete"),
}


@contextmanager
def guards_lifted():
    """Lift the database's append-only guards, and put them back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_triggers(cursor, "DISABLE")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                _pg_triggers(cursor, "ENABLE")
            else:
                for statement in SQLITE_TRIGGERS.values():
                    cursor.execute(statement)


def _pg_triggers(cursor, switch: str) -> None:
    for table, triggers in PG_TRIGGERS.items():
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE {table} {switch} TRIGGER {trigger}")


def reseal_with_the_key(entry, *, actor_label: str = "someone else") -> None:
    """Change an entry's actor and seal it again, as someone who also holds the MAC key would: its own
    seal checks out; only the next entry's link to it (the full verification) shows the change."""
    entry.actor_label = actor_label
    entry_seal(entry)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = %s, entry_hash = %s WHERE id = %s",
                       [entry.actor_label, entry.entry_hash, entry.pk])


def month_partitions_made(first: date, *, months: int) -> None:
    """On PostgreSQL, the monthly partitions of the trail from `first` on, as the nightly job makes them
    (SQLite keeps a plain table)."""
    if connection.vendor == "postgresql":
        partitions_ensure(connection, today=first, months_ahead=months - 1)


def month_dumped(month: date) -> Path:
    """The month's entries written to a file beside the checkpoint files, standing for its pg_dump."""
    start, end = month_bounds(month)
    rows = AuditEntry.objects.filter(recorded_at__gte=start, recorded_at__lt=end).order_by("sequence")
    dump = checkpoint_dir().parent / f"audit-{month:%Y-%m}.dump"
    dump.write_text("".join(json.dumps(row, default=str) + "\n" for row in rows.values()), encoding="utf-8")
    return dump


def archive_month(month: date) -> None:
    """Archive one month of the trail as docs/deployment.md's runbook does: dump the month, record the
    archive (`manage.py audit_archive_record`), then on PostgreSQL detach the month's partition (the
    detached table keeps no append-only trigger) and drop it; SQLite keeps a plain table, so its rows of
    that month are deleted with the guards lifted."""
    call_command("audit_archive_record", "--month", f"{month:%Y-%m}", "--dump", str(month_dumped(month)))
    if connection.vendor == "postgresql":
        name = f"audit_auditentry_y{month.year}m{month.month:02d}"
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE audit_auditentry DETACH PARTITION "{name}"')
            cursor.execute(f'DROP TABLE "{name}"')
        return
    start, end = month_bounds(month)
    month_entries = AuditEntry.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    ids = list(month_entries.values_list("pk", flat=True))
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM audit_auditentry WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
