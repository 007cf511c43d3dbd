"""The `audit` app's migrations up to d3d8738, squashed (docs/deployment.md, "Squashed migrations").
The database's own guards come after the tables: entries refuse UPDATE and DELETE (on PostgreSQL a
row trigger on the partitioned table, put back by each rebuild since a rebuilt table has no triggers;
on SQLite two triggers), the chain head cannot move back, and its one row exists from the start.
"""

from django.db import migrations, models

from audit import guards
from core.partitions import partition_by_month

PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_APPEND_ONLY_TRIGGER = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)
PG_REMOVE = """
DROP TRIGGER IF EXISTS audit_head_no_rewind ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_head_no_rewind();
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
SQLITE_GUARDS = (guards.SQLITE_NO_UPDATE, guards.SQLITE_NO_DELETE, guards.SQLITE_HEAD_NO_REWIND)
SQLITE_REMOVE = (
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    guards.SQLITE_DROP_NO_DELETE,
    "DROP TRIGGER IF EXISTS audit_head_no_rewind;",
)
# Entries become monthly range-partitioned on PostgreSQL (issue #16); tests run it both ways.
PARTITION_ENTRIES = partition_by_month("audit_auditentry", "recorded_at", then_sql=PG_APPEND_ONLY_TRIGGER)


def guards_install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # The entries' trigger is created by PARTITION_ENTRIES, on the table it leaves behind.
        schema_editor.execute(PG_APPEND_ONLY_FUNCTION, params=None)
        schema_editor.execute(guards.PG_HEAD_NO_REWIND, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_GUARDS:
            schema_editor.execute(statement)
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1, defaults={"sequence": 0, "last_hash": "0" * 64})


def guards_remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REMOVE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('audit', '0001_initial'),
        ('audit', '0002_append_only'),
        ('audit', '0003_entry_mac_key'),
        ('audit', '0004_partition_entries_by_month'),
    ]

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('sequence', models.PositiveBigIntegerField(default=0)),
                ('last_hash', models.CharField(max_length=64)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='audit_head_singleton')],
            },
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveBigIntegerField(unique=True)),
                ('recorded_at', models.DateTimeField(db_index=True)),
                ('actor_kind', models.CharField(choices=[('staff', 'Staff'), ('customer', 'Customer'), ('client', 'Integration client'), ('system', 'System')], max_length=16)),
                ('actor_user_id', models.BigIntegerField(blank=True, null=True)),
                ('actor_label', models.CharField(blank=True, max_length=150)),
                ('action', models.CharField(db_index=True, max_length=100)),
                ('target_type', models.CharField(blank=True, max_length=100)),
                ('target_id', models.CharField(blank=True, max_length=64)),
                ('subject_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('data', models.JSONField(default=dict)),
                ('request_id', models.CharField(blank=True, max_length=64)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('prev_hash', models.CharField(max_length=64)),
                ('entry_hash', models.CharField(max_length=64, unique=True)),
                ('mac_key_id', models.CharField(blank=True, default='', max_length=16)),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['-sequence'],
                'indexes': [models.Index(fields=['subject_id', '-sequence'], name='audit_audit_subject_05ec79_idx'), models.Index(fields=['action', '-sequence'], name='audit_audit_action_8a0e57_idx')],
            },
        ),
        migrations.RunPython(guards_install, guards_remove),
        PARTITION_ENTRIES,
    ]
