"""The outbox pages' indexes (docs/reliability.md): the parked messages newest first (`outbox_parked`) and
an endpoint's delivery log newest first (`outbox_endpoint_latest`).

The outbox is partitioned by month on PostgreSQL: `core.schema.AddIndexOnline` builds each partition's
index concurrently and attaches it, without locking writes, so the migration runs outside a transaction;
a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("integrations", "0003_outbox_content_kept"),
    ]

    operations = [
        AddIndexOnline(
            model_name="outboxmessage",
            index=models.Index(
                condition=models.Q(("status", "parked")), fields=["-created_at", "-id"], name="outbox_parked"
            ),
        ),
        AddIndexOnline(
            model_name="outboxmessage",
            index=models.Index(fields=["endpoint", "-created_at", "-id"], name="outbox_endpoint_latest"),
        ),
    ]
