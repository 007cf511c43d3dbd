"""Indexes for the staff queue and the API list of requests (docs/requests.md, "Indexes"): the queue's own
order, open requests by binding date then closed ones newest first (`dsr_queue_order`, on the very
expression the queue sorts by, `dsr.models.binding_due_at`, written out here as it stands today), and the
requests closed in a period (`dsr_closed`).

Built without locking writes on PostgreSQL (`core.schema.AddIndexOnline`, concurrently), so the migration
runs outside a transaction; a plain AddIndex elsewhere.
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce, Least

from core.schema import AddIndexOnline

OPEN = ["awaiting_customer", "in_progress", "received", "verifying_identity"]
BINDING_DUE_AT = models.Case(
    models.When(
        status__in=OPEN,
        then=Least(models.F("due_at"), Coalesce(models.F("statutory_due_at"), models.F("due_at"))),
    ),
    default=None,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dsr", "0008_rectification_notices_name_their_request"),
    ]

    operations = [
        AddIndexOnline(
            model_name="datasubjectrequest",
            index=models.Index(
                BINDING_DUE_AT,
                models.OrderBy(models.F("received_at"), descending=True),
                models.F("id"),
                name="dsr_queue_order",
            ),
        ),
        AddIndexOnline(
            model_name="datasubjectrequest",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", False)),
                fields=["-closed_at", "id"],
                name="dsr_closed",
            ),
        ),
    ]
