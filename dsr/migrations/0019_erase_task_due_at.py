"""The deadline of an erase task sent when a legal hold ends (`FulfilmentTask.due_at`), so the sweep
chases it. Nullable: no rewrite of existing rows. Its partial index is built without locking writes on
PostgreSQL (`core.schema.AddIndexOnline`), so the migration runs outside a transaction.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dsr", "0018_system_field_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="fulfilmenttask",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        AddIndexOnline(
            model_name="fulfilmenttask",
            index=models.Index(
                condition=models.Q(("due_at__isnull", False)),
                fields=["due_at"],
                name="dsr_erase_task_due",
            ),
        ),
    ]
