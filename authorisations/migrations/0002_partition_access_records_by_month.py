"""The third-party access log becomes monthly range-partitioned on PostgreSQL, by `accessed_at`."""

from django.db import migrations

from core.partitions import partition_by_month


class Migration(migrations.Migration):
    dependencies = [("authorisations", "0001_initial")]
    operations = [partition_by_month("authorisations_accessrecord", "accessed_at")]
