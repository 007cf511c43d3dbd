"""Requests closed before a closing recorded its missed deadlines (`missed_recorded_at`): those that missed
none, or whose every missed deadline is on the breach register, are marked; the sweep records the others'
and marks them (`dsr.clock_sources.requests_on_clock`). Written with the models as they stand here."""

from django.db import migrations
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

SOURCE = "dsr.request"
# Each clock ended after its deadline, as `dsr.clock_sources.closed_late_q` reads it.
CLOSED_LATE = {
    "due": Q(closed_at__gt=F("due_at")),
    "statutory": Q(closed_at__gt=F("statutory_due_at")),
    "acknowledge": Q(acknowledged_at__gt=F("acknowledge_by"))
    | Q(acknowledged_at__isnull=True, closed_at__gt=F("acknowledge_by")),
}


def mark_the_settled_closings(apps, schema_editor):
    request = apps.get_model("dsr", "DataSubjectRequest")
    register = apps.get_model("deadlines", "DeadlineBreach")
    unmarked = request.objects.filter(closed_at__isnull=False, missed_recorded_at__isnull=True)
    # The register keeps the primary key as the database casts it to text.
    items = unmarked.annotate(item=Cast("pk", CharField(max_length=64)))
    pending = set()
    for clock, late in CLOSED_LATE.items():
        recorded = register.objects.filter(source=SOURCE, clock=clock, item_id=OuterRef("item"))
        pending |= set(items.filter(late).exclude(Exists(recorded)).values_list("pk", flat=True))
    unmarked.exclude(pk__in=pending).update(missed_recorded_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0015_closings_missed_recorded"),
        ("deadlines", "0003_deadlinepolicy_clock_start"),
    ]

    operations = [migrations.RunPython(mark_the_settled_closings, migrations.RunPython.noop)]
