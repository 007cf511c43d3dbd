"""Audit entries become a monthly range-partitioned table on PostgreSQL (issue #16).

The append-only trigger is put back on the new table: a row trigger on a partitioned table guards
every partition, including those the beat job creates later. SQLite keeps its plain table.
"""

from django.db import migrations

from core.partitions import table_rebuild

APPEND_ONLY = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table_rebuild(schema_editor, "audit_auditentry", partition_column="recorded_at")
    schema_editor.execute(APPEND_ONLY, params=None)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table_rebuild(schema_editor, "audit_auditentry", partition_column=None)
    schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("audit", "0003_entry_mac_key")]
    operations = [migrations.RunPython(partition, unpartition)]
