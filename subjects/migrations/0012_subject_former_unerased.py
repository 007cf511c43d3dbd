"""The former customers the nightly erasure after retention still has to look at
(`dsr.selectors.former_customers`) on a partial index. Built without locking writes on PostgreSQL
(`core.schema.AddIndexOnline`: concurrently), so the migration runs outside a transaction; a plain
AddIndex elsewhere."""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("subjects", "0011_subject_retention_erased_at"),
    ]

    operations = [
        AddIndexOnline(
            model_name="datasubject",
            index=models.Index(
                fields=["relationship_ended_on", "id"],
                condition=models.Q(relationship_ended_on__isnull=False, retention_erased_at__isnull=True),
                name="subject_former_unerased",
            ),
        ),
    ]
