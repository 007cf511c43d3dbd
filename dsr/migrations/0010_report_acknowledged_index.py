"""An index for the deadline report (docs/requests.md, "Indexes"): the requests acknowledged in a period
(`dsr_acknowledged`), so that its grouped queries combine three indexes instead of reading every request.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`, concurrently), so the migration
runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dsr", "0009_queue_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="datasubjectrequest",
            index=models.Index(
                condition=models.Q(("acknowledged_at__isnull", False)),
                fields=["acknowledged_at"],
                name="dsr_acknowledged",
            ),
        ),
    ]
