"""The consent report's indexes (docs/consents.md, "The consent report"): a month of events by `at`,
and the consents withdrawn in a month by `withdrawn_at`, for their stops.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`: concurrently, partition by
partition on the partitioned events table), so the migration runs outside a transaction; a plain
AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0004_consent_report_permission"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consent",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", False)), fields=["withdrawn_at"], name="consent_withdrawn_at"
            ),
        ),
        AddIndexOnline(
            model_name="consentevent",
            index=models.Index(fields=["at"], name="consent_event_at"),
        ),
    ]
