"""The third-party access log becomes monthly range-partitioned on PostgreSQL, by `accessed_at`."""

from django.db import migrations

from core.partitions import table_rebuild


def partition(apps, schema_editor):
    table_rebuild(schema_editor, "authorisations_accessrecord", partition_column="accessed_at")


def unpartition(apps, schema_editor):
    table_rebuild(schema_editor, "authorisations_accessrecord", partition_column=None)


class Migration(migrations.Migration):
    dependencies = [("authorisations", "0001_initial")]
    operations = [migrations.RunPython(partition, unpartition)]
