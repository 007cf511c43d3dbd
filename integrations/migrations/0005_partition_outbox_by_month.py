"""Outbox messages become a monthly range-partitioned table on PostgreSQL, by `created_at`."""

from django.db import migrations

from core.partitions import table_rebuild


def partition(apps, schema_editor):
    table_rebuild(schema_editor, "core_outboxmessage", partition_column="created_at")


def unpartition(apps, schema_editor):
    table_rebuild(schema_editor, "core_outboxmessage", partition_column=None)


class Migration(migrations.Migration):
    dependencies = [("integrations", "0004_outbox_dedupe_keys")]
    operations = [migrations.RunPython(partition, unpartition)]
