"""A one-time authorisation ("Once") ends with its single read: since 0004 `access_record` moves it to
USED. One whose read was reported before that was left ACTIVE (or PAUSED), which only the
introspection's count of reads stopped, while the token exchange and refresh let it refresh. Each such
live one-time authorisation with a read recorded is moved to USED here as a move writes it: status,
end time and pause fields, the event with its frozen receipt (by the system, dated now, so it is the
authorisation's latest receipt), and its OAuth tokens ended.

Not written: the audit entry and the notices. No data migration of this project writes to the audit
trail (its entries are sealed in a chain by `audit.services`, whose key and head lock belong to the
running platform, not to a schema step), and the customer and third party were told of the read when it
was made; the event row records the move. Going back leaves the rows as they are (no-op): the read was
made, and a USED authorisation stays ended.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

from authorisations.receipts import authorisation_receipt
from authorisations.services.moves import end_tokens

# The statuses and fetch type as they stand at this migration (`AUTHORISATION_MACHINE.live`).
LIVE = ["active", "paused"]
REASON = "one-time read reported before the used status existed"


def one_time_reads_made_are_used(apps, schema_editor):
    Authorisation = apps.get_model("authorisations", "Authorisation")
    AuthorisationEvent = apps.get_model("authorisations", "AuthorisationEvent")
    AccessRecord = apps.get_model("authorisations", "AccessRecord")
    read = AccessRecord.objects.filter(authorisation=OuterRef("pk"))
    used = list(
        Authorisation.objects.select_related("third_party__application", "subject")
        .filter(Exists(read), fetch_type="one_time", status__in=LIVE)
        .order_by("pk")
    )
    if not used:
        return
    now = timezone.now()
    events = []
    for authorisation in used:
        old = authorisation.status
        authorisation.status, authorisation.pause_reason, authorisation.pause_source = "used", "", ""
        authorisation.ended_at = now
        authorisation.save(update_fields=["status", "pause_reason", "pause_source", "ended_at"])
        event = AuthorisationEvent(
            authorisation_id=authorisation.pk, kind="used", old_status=old, new_status="used", at=now,
            actor_kind="system", actor_label="migration authorisations.0006", reason=REASON,
        )
        event.receipt = authorisation_receipt(authorisation, event)
        events.append(event)
    AuthorisationEvent.objects.bulk_create(events)
    end_tokens(used)


class Migration(migrations.Migration):

    dependencies = [
        ("authorisations", "0005_pause_reason_restriction"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [migrations.RunPython(one_time_reads_made_are_used, migrations.RunPython.noop)]
