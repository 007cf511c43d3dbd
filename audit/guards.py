"""The database's own refusal to rewrite the trail, shared by the migrations and `flush`.

PostgreSQL's guards are row triggers on UPDATE and DELETE (the audit migrations); its test flush uses
TRUNCATE, which row triggers do not see. SQLite's flush is a plain DELETE, so `flush` lifts the
DELETE guards for its own statement and puts them back (audit/management/commands/flush.py).
"""
from __future__ import annotations

SQLITE_NO_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END;"
)
SQLITE_NO_DELETE = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (DELETE refused)'); END;"
)
SQLITE_DROP_NO_DELETE = "DROP TRIGGER IF EXISTS audit_entry_no_delete;"
# The head row only moves forward: moving it back is how a cut tail would be hidden.
SQLITE_HEAD_NO_REWIND = (
    "CREATE TRIGGER IF NOT EXISTS audit_head_no_rewind BEFORE UPDATE ON audit_auditchainhead "
    "WHEN NEW.sequence < OLD.sequence "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot move back'); END;"
)


def _pg_head_guard(name: str, message: str, *, event: str, when: str = "") -> str:
    """A PostgreSQL row trigger on the chain head refusing `event` (where `when` holds) with `message`."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON audit_auditchainhead;
CREATE TRIGGER {name} BEFORE {event} ON audit_auditchainhead
    FOR EACH ROW {when}EXECUTE FUNCTION {name}();
"""


PG_HEAD_NO_REWIND = _pg_head_guard(
    "audit_head_no_rewind", "the audit chain head cannot move back", event="UPDATE",
    when="WHEN (NEW.sequence < OLD.sequence) ",
)

# Nor can it be deleted: inserted again at 0, it would number new entries over existing ones.
SQLITE_HEAD_NO_DELETE = (
    "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;"
)
SQLITE_DROP_HEAD_NO_DELETE = "DROP TRIGGER IF EXISTS audit_head_no_delete;"
PG_HEAD_NO_DELETE = _pg_head_guard(
    "audit_head_no_delete", "the audit chain head cannot be deleted", event="DELETE"
)
PG_DROP_HEAD_NO_DELETE = """
DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_head_no_delete();
"""
