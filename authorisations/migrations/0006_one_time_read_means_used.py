"""A one-time authorisation ("Once") ends with its single read: since 0004 `access_record` moves it to
USED. One whose read was reported before that was left ACTIVE (or PAUSED), which only the
introspection's count of reads stopped, while the token exchange and refresh let it refresh. Each such
live one-time authorisation with a read recorded is moved to USED here as a move writes it: status,
end time and pause fields, the event with its frozen receipt (by the system, dated now, so it is the
authorisation's latest receipt), and its OAuth tokens ended.

Only the historical models (`apps.get_model`) and the logic below: the receipt and the end of the
tokens are written out here as `authorisations.receipts.authorisation_receipt` and
`authorisations.services.moves.end_tokens` wrote them when this migration was made, so that later
changes to that code change nothing here.

Not written: the audit entry and the notices. No data migration of this project writes to the audit
trail (its entries are sealed in a chain by `audit.services`, whose key and head lock belong to the
running platform, not to a schema step), and the customer and third party were told of the read when it
was made; the event row records the move. Going back leaves the rows as they are (no-op): the read was
made, and a USED authorisation stays ended.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, migrations, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

# The statuses and fetch type as they stand at this migration (`AUTHORISATION_MACHINE.live`).
LIVE = ["active", "paused"]
REASON = "one-time read reported before the used status existed"
RECEIPT_SCHEMA = "qdl-authorisation-receipt/1"


def receipt(authorisation, event) -> str:
    """The receipt of `event`, as `authorisations.receipts.authorisation_receipt` built it at 0006."""
    third_party = authorisation.third_party
    body = {
        "schema": RECEIPT_SCHEMA,
        "authorisation_id": str(authorisation.pk),
        "receipt_id": str(event.pk),
        "issued_at": event.at.isoformat(),
        "controller": {"name": settings.BANK_NAME, "country": "VN"},
        "data_subject": {"identifier": authorisation.subject.external_ref, "identifier_type": "CIF"},
        "data_consumer": {
            "name": third_party.legal_name,
            "tax_code": third_party.tax_code,
            "licence": third_party.licence_ref,
            "country": third_party.country,
            "client_id": third_party.application.client_id,
        },
        "purpose": authorisation.purpose,
        "purpose_en": authorisation.purpose_en or None,
        "scopes": list(authorisation.scopes),
        "access": "read_only",
        "fetch_type": authorisation.fetch_type,
        # As `Authorisation.reads_per_day`: a one-time authorisation agreed to no reads a day.
        "frequency_per_day": authorisation.frequency_per_day if authorisation.fetch_type == "periodic" else None,
        "cross_border": authorisation.cross_border,
        "destination_country": authorisation.destination_country or None,
        "legal_basis": "consent (Decree 117/2018/ND-CP Art. 11.1.b; Law 91/2025/QH15)",
        "starts_at": authorisation.starts_at.isoformat(),
        "expires_at": authorisation.expires_at.isoformat(),
        "event": {
            "type": event.kind,
            "from": event.old_status or None,
            "to": event.new_status,
            "time": event.at.isoformat(),
            "actor_kind": event.actor_kind,
            "actor": event.actor_label,
            "channel": event.channel,
            "reason": event.reason,
        },
        "state": event.new_status,
        "revoke": {"how": ["/me/authorisations/", "branch", "call_centre"]},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def end_tokens(apps, authorisations) -> None:
    """Stop every OAuth token and pending code each customer gave each third party, as `end_tokens`
    did at 0006: refresh tokens marked revoked and unlinked from their access token, access tokens and
    grants of the (application, user) pairs deleted. `(token_checksum, revoked)` is unique
    (django-oauth-toolkit #1816): when one stamp for all clashes, each refresh token gets its own."""
    RefreshToken = apps.get_model("oauth2_provider", "RefreshToken")
    AccessToken = apps.get_model("oauth2_provider", "AccessToken")
    Grant = apps.get_model("oauth2_provider", "Grant")
    pairs = Q()
    for authorisation in authorisations:
        pairs |= Q(application_id=authorisation.third_party.application_id, user_id=authorisation.user_id)
    refresh_tokens = RefreshToken.objects.filter(pairs, revoked__isnull=True)
    stamp = timezone.now()
    try:
        with transaction.atomic():
            refresh_tokens.update(revoked=stamp, updated=stamp, access_token=None)
    except IntegrityError:
        for offset, pk in enumerate(refresh_tokens.order_by("pk").values_list("pk", flat=True)):
            own = stamp + timedelta(microseconds=offset + 1)
            RefreshToken.objects.filter(pk=pk).update(revoked=own, updated=own, access_token=None)
    AccessToken.objects.filter(pairs).delete()
    Grant.objects.filter(pairs).delete()


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
        event.receipt = receipt(authorisation, event)
        events.append(event)
    AuthorisationEvent.objects.bulk_create(events)
    end_tokens(apps, used)


class Migration(migrations.Migration):

    dependencies = [
        ("authorisations", "0005_pause_reason_restriction"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [migrations.RunPython(one_time_reads_made_are_used, migrations.RunPython.noop)]
