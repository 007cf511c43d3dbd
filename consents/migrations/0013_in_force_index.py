"""An index for the consent report's consents in force at a period's end (docs/consents.md, "Indexes"):
`consent_in_force`, on when a consent ended or, while it is live, a date later than any
(`consents.models.ends_at`, written out here as it stands today), with the columns the count reads, so
that the count reads a range of the index alone instead of every consent ever given.

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`, concurrently), so the migration
runs outside a transaction; a plain AddIndex elsewhere.
"""

from datetime import UTC, datetime

from django.db import migrations, models
from django.db.models.functions import Coalesce

from core.schema import AddIndexOnline

ENDS_AT = Coalesce(
    models.F("ended_at"), models.Value(datetime(9999, 12, 31, tzinfo=UTC), output_field=models.DateTimeField())
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consents", "0012_voided_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="consent",
            index=models.Index(
                ENDS_AT,
                models.F("granted_at"),
                models.F("expires_at"),
                models.F("ended_at"),
                models.F("purpose"),
                models.F("channel"),
                condition=~models.Q(("status__in", ("refused", "voided"))),
                name="consent_in_force",
            ),
        ),
    ]
