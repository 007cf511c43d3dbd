"""Each request keeps the deadline policy rows in force when it was received, so that the DPO's later
edits apply to later requests only. Open requests are given the rows in force on their day of receipt
as the table stands at this migration: the rows their clocks were recomputed from until now, so every
open request keeps today's deadlines. Closed requests are never recomputed and are left empty."""

from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

from deadlines.policy import policy_snapshot

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The open statuses (`dsr.states.OPEN`) when this migration was written.
OPEN = ["awaiting_customer", "in_progress", "received", "verifying_identity"]


def keep_the_policy_of_open_requests(apps, schema_editor):
    Request = apps.get_model("dsr", "DataSubjectRequest")
    Policy = apps.get_model("deadlines", "DeadlinePolicy")
    snapshots = {}
    for request in Request.objects.filter(status__in=OPEN).only("pk", "type", "received_at").iterator():
        day = timezone.localtime(request.received_at, LOCAL_TZ).date()
        key = (request.type, day)
        if key not in snapshots:
            rows = Policy.objects.filter(
                Q(effective_from__isnull=True) | Q(effective_from__lte=day),
                Q(effective_to__isnull=True) | Q(effective_to__gte=day),
                request_type=request.type,
                active=True,
            ).order_by("regime", "effective_from", "pk")
            snapshots[key] = policy_snapshot(rows, model=Policy)
        Request.objects.filter(pk=request.pk).update(deadline_policy=snapshots[key])


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0003_deadlinepolicy_clock_start"),
        ("dsr", "0004_inventory_names_in_both_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasubjectrequest",
            name="deadline_policy",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(keep_the_policy_of_open_requests, migrations.RunPython.noop),
    ]
