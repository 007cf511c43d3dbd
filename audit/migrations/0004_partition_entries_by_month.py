"""Audit entries become a monthly range-partitioned table on PostgreSQL (issue #16).

The append-only trigger is put back on the new table: a row trigger on a partitioned table guards
every partition, including those the beat job creates later. SQLite keeps its plain table.
"""

from django.db import migrations

from core.partitions import partition_by_month

APPEND_ONLY = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("audit", "0003_entry_mac_key")]
    operations = [partition_by_month("audit_auditentry", "recorded_at", then_sql=APPEND_ONLY)]
