"""The database's own refusal to rewrite the trail on SQLite, shared by the migration and `flush`.

PostgreSQL's guard is a row trigger on UPDATE and DELETE (the audit migration); its test flush uses
TRUNCATE, which row triggers do not see. SQLite's flush is a plain DELETE, so `flush` lifts the
DELETE guard for its own statement and puts it back (audit/management/commands/flush.py).
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
PG_HEAD_NO_REWIND = """
CREATE OR REPLACE FUNCTION audit_head_no_rewind() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit chain head cannot move back' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_head_no_rewind ON audit_auditchainhead;
CREATE TRIGGER audit_head_no_rewind BEFORE UPDATE ON audit_auditchainhead
    FOR EACH ROW WHEN (NEW.sequence < OLD.sequence) EXECUTE FUNCTION audit_head_no_rewind();
"""
