"""Confirming in writing to the customer what the call centre recorded for them on the phone.

At a branch the customer leaves with the receipt in hand; on the phone they are left with nothing, and a
caller pretending to be them leaves the real customer unaware that a consent was given or withdrawn in
their name. So each consent the call centre records, given or withdrawn, is confirmed to the customer on
their channels and in their language (`notifications.services.notify`), with what to do if they did not
ask for it, and audited in the same transaction. Acts in the customer's own channels (internet banking,
the app) confirm themselves on their screen; one carried over from a `source` (a request put in force, an
imported file) is told by that source."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.languages import language_for_subject
from audit.services import audit_record
from consents.models import Channel, Consent, ConsentStatus
from consents.scope import utc_iso
from consents.services.stop_notices import family_readers
from core.actors import Actor
from core.labels import in_language
from integrations.links import absolute_url_in
from notifications.services import notify

TEMPLATE = "consents/email/phone_recorded"
TOPIC = "consents.customer.phone_recorded"
AUDIT_ACTION = "consents.consent.phone_confirmation_sent"


def phone_act_confirm(
    *, actor: Actor, consent: Consent, channel: str, source: str = "", now: datetime
) -> int:
    """In the transaction of the act: tell the customer (or the guardian acting for them, `family_readers`)
    that the call centre recorded `consent` as it now stands (granted or withdrawn). Nothing for another
    channel, an act not recorded by staff, or one carried over from a `source`. Returns how many messages
    were queued; the same act is never confirmed twice."""
    if channel != Channel.CALL_CENTRE or not actor.is_staff or source:
        return 0
    subject = consent.subject
    readers = family_readers(subject, on=timezone.localdate(now))
    for reader in readers:
        language = language_for_subject(reader)
        notification = notify(
            subject=reader,
            template=TEMPLATE,
            context={
                "purpose_name": in_language(
                    consent.purpose.name_vi, consent.purpose.name_en, language=language
                ),
                "withdrawn": consent.status == ConsentStatus.WITHDRAWN,
                "for_ward": reader.pk != subject.pk,
                "recorded_at": utc_iso(now),
                "link": absolute_url_in(language, "consents:me_consents"),
            },
            topic=TOPIC,
            dedupe_key=f"consents.phone_recorded:{consent.pk}:{consent.status}:{reader.pk}",
            now=now,
        )
        audit_record(
            action=AUDIT_ACTION,
            actor=actor,
            subject=subject.pk,
            target=consent,
            now=now,
            data={
                "status": consent.status,
                "to": "guardian" if reader.pk != subject.pk else "customer",
                "notification": str(notification.pk),
            },
        )
    return len(readers)
