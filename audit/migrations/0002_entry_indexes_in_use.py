"""Audit entries keep only the indexes a query uses (issue #16): each is upkeep on every entry
written, 10,000 at once in an expiry sweep.

- `action` alone and `subject_id` alone go: the (action, -sequence) and (subject_id, -sequence)
  indexes answer every look-up by them.
- PostgreSQL's pattern index on `action` (which serves the list's prefix filter, "consents.") stays,
  now declared by name (`audit_action_prefix`); on `entry_hash` it goes: no query searches a hash by
  prefix, and its unique index stays.

By name, in SQL: Django's own `AlterField` would rebuild the table on SQLite, which drops the
append-only triggers (audit/guards.py).
"""

from django.db import migrations, models

from core.schema import sql_by_vendor

ACTION = "audit_auditentry_action_dee621eb"
SUBJECT = "audit_auditentry_subject_id_afd53ca8"
HASH_PATTERN = "audit_auditentry_entry_hash_4b59bf3f_like"
FORWARD = {
    "postgresql": [
        f"DROP INDEX {ACTION}",
        f"DROP INDEX {SUBJECT}",
        f"DROP INDEX {HASH_PATTERN}",
        f"ALTER INDEX {ACTION}_like RENAME TO audit_action_prefix",
    ],
    "sqlite": [
        f"DROP INDEX {SUBJECT}",
        f"DROP INDEX {ACTION}",
        "CREATE INDEX audit_action_prefix ON audit_auditentry (action)",
    ],
}
BACKWARD = {
    "postgresql": [
        f"ALTER INDEX audit_action_prefix RENAME TO {ACTION}_like",
        f"CREATE INDEX {HASH_PATTERN} ON audit_auditentry (entry_hash varchar_pattern_ops)",
        f"CREATE INDEX {SUBJECT} ON audit_auditentry (subject_id)",
        f"CREATE INDEX {ACTION} ON audit_auditentry (action)",
    ],
    "sqlite": [
        "DROP INDEX audit_action_prefix",
        f"CREATE INDEX {ACTION} ON audit_auditentry (action)",
        f"CREATE INDEX {SUBJECT} ON audit_auditentry (subject_id)",
    ],
}


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_squashed")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("auditentry", "action", models.CharField(max_length=100)),
                migrations.AlterField("auditentry", "subject_id", models.UUIDField(blank=True, null=True)),
                migrations.AddIndex(
                    "auditentry",
                    models.Index(fields=["action"], name="audit_action_prefix", opclasses=["varchar_pattern_ops"]),
                ),
            ],
            database_operations=[sql_by_vendor(FORWARD, BACKWARD)],
        )
    ]
