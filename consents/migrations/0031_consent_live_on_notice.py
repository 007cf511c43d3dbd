"""Who to ask again after a widening (`consents_on_notice_older_than_counts`, the DPO's purpose list):
the live consents of a purpose by the version they were given to, counted from the index alone.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`: concurrently), so the
migration runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0030_duty_late_reason"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consent",
            index=models.Index(
                condition=models.Q(("status", "granted")), fields=["purpose", "notice"], name="consent_live_on_notice"
            ),
        ),
    ]
