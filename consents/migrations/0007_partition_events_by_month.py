"""Consent events become a monthly range-partitioned table on PostgreSQL, by `at` (issue #16)."""

from django.db import migrations

from core.partitions import table_rebuild


def partition(apps, schema_editor):
    table_rebuild(schema_editor, "consents_consentevent", partition_column="at")


def unpartition(apps, schema_editor):
    table_rebuild(schema_editor, "consents_consentevent", partition_column=None)


class Migration(migrations.Migration):
    dependencies = [("consents", "0006_purpose_versions_and_proof")]
    operations = [migrations.RunPython(partition, unpartition)]
