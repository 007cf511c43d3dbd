"""Consent events become a monthly range-partitioned table on PostgreSQL, by `at` (issue #16)."""

from django.db import migrations

from core.partitions import partition_by_month


class Migration(migrations.Migration):
    dependencies = [("consents", "0006_purpose_versions_and_proof")]
    operations = [partition_by_month("consents_consentevent", "at")]
