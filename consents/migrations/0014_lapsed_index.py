"""The consent report's stops after expiries and replacements: the consents that expired or were
superseded in a month, by `ended_at`, in a partial index of those records only.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`: concurrently), so the
migration runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0013_in_force_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consent",
            index=models.Index(
                condition=models.Q(("status__in", ("expired", "superseded"))),
                fields=["ended_at"],
                name="consent_lapsed_at",
            ),
        ),
    ]
