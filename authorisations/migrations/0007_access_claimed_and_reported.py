"""Each access record says whether the gateway claimed the read before serving it (`claimed`) and when
a report after serving reached the bank (`reported_at`): a report naming a claim then completes that
claimed record instead of adding a second read (`authorisations.services.accesses.access_record`).

The rows written before are sorted out from the audit trail, which holds the one sure mark of a claim:
its entry `authorisations.access.claimed` (target the authorisation; data the scope and the exact
`accessed_at`, the bank's time of the claim). Those records are claimed, with no report yet (as many,
at one authorisation, scope and time, as there are claim entries, the first written); every other record
was reported after serving, at its creation. Reads only the trail, never writes it. Only the
historical models (`apps.get_model`). Going back drops the two columns (no-op here).
"""

from collections import Counter
from datetime import datetime

from django.db import migrations, models
from django.db.models import F

CLAIMED_ACTION = "authorisations.access.claimed"


def mark_claims_and_reports(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AccessRecord = apps.get_model("authorisations", "AccessRecord")
    claims = Counter()
    entries = AuditEntry.objects.filter(action=CLAIMED_ACTION).values_list("target_id", "data")
    for authorisation_id, data in entries.iterator(chunk_size=2000):
        if authorisation_id and data.get("accessed_at") and data.get("scope"):
            claims[(authorisation_id, data["scope"], datetime.fromisoformat(data["accessed_at"]))] += 1
    for (authorisation_id, scope, accessed_at), count in claims.items():
        # A report may give the claim's own time as the time it served: of the records at that time, the
        # claims are the first written (a report of a claimed read comes after the claim).
        same = AccessRecord.objects.filter(authorisation_id=authorisation_id, scope=scope, accessed_at=accessed_at)
        first = list(same.order_by("pk").values_list("pk", flat=True)[:count])
        AccessRecord.objects.filter(pk__in=first).update(claimed=True)
    AccessRecord.objects.filter(claimed=False, reported_at__isnull=True).update(reported_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("authorisations", "0006_one_time_read_means_used"),
        ("audit", "0002_entry_indexes_in_use"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessrecord",
            name="claimed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="accessrecord",
            name="reported_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_claims_and_reports, migrations.RunPython.noop),
    ]
