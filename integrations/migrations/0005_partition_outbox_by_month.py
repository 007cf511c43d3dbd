"""Outbox messages become a monthly range-partitioned table on PostgreSQL, by `created_at`."""

from django.db import migrations

from core.partitions import partition_by_month


class Migration(migrations.Migration):
    dependencies = [("integrations", "0004_outbox_dedupe_keys")]
    operations = [partition_by_month("core_outboxmessage", "created_at")]
