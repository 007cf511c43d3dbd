"""The consent report's stops after voids: the consents voided in a month, by `ended_at` (a void ends
the record when it is made), in a partial index of the voided records only.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`: concurrently), so the
migration runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0011_void_note_encrypted"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consent",
            index=models.Index(
                condition=models.Q(("status", "voided")), fields=["ended_at"], name="consent_voided_at"
            ),
        ),
    ]
