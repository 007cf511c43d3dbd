"""Confirming in writing to the customer what the call centre recorded for them on the phone.

At a branch the customer leaves with the receipt in hand; on the phone they are left with nothing, and a
caller pretending to be them leaves the real customer unaware that a consent was given or withdrawn in
their name. So each call's consents the call centre records, given or withdrawn, are confirmed to the
customer on their channels and in their language (`notifications.services.notify`), in one message per
act (a form's answers, a "withdraw all"), with what to do if they did not ask for it, and audited in the
same transaction. Acts in the customer's own channels (internet banking, the app) confirm themselves on
their screen; one carried over from a `source` (a request put in force, an imported file) is told by
that source."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.utils import timezone

from accounts.languages import language_for_subject
from audit.services import audit_record
from consents.models import Channel, Consent, ConsentStatus
from consents.receipts import representative_named
from consents.scope import utc_iso
from consents.selectors.records import withdrawal_representative
from consents.selectors.rule import own_agreement_due
from consents.services.stop_notices import family_readers
from core.actors import Actor
from core.labels import in_language
from integrations.links import absolute_url_in
from notifications.services import notify
from subjects.models import DataSubject

TEMPLATE = "consents/email/phone_recorded"
TOPIC = "consents.customer.phone_recorded"
AUDIT_ACTION = "consents.consent.phone_confirmation_sent"


def _confirmation_readers(subject: DataSubject, on: date) -> list[DataSubject]:
    """`family_readers`, but never a child under 7 (who reads nothing of their own): with no guardian
    acting, no one."""
    too_young = subject.date_of_birth is not None and not own_agreement_due(subject.date_of_birth, on)
    readers = family_readers(subject, on=on)
    return [reader for reader in readers if not (too_young and reader.pk == subject.pk)]


def _names(consents: list[Consent], language: str) -> list[str]:
    return [in_language(c.purpose.name_vi, c.purpose.name_en, language=language) for c in consents]


def phone_acts_confirm(
    *,
    actor: Actor,
    subject: DataSubject,
    consents: Sequence[Consent],
    channel: str,
    source: str = "",
    now: datetime,
) -> int:
    """In the transaction of the act: tell the customer (or the guardian acting for them,
    `family_readers`; never a child under 7) in one message which of `consents` the call centre just
    recorded as given and which as withdrawn, as they now stand. Nothing for another channel, an act not
    recorded by staff, one carried over from a `source`, or no consent given or withdrawn. Returns how
    many messages were queued; the same act (the customer's, at `now`) is never confirmed twice."""
    if channel != Channel.CALL_CENTRE or not actor.is_staff or source:
        return 0
    given = sorted((c for c in consents if c.status == ConsentStatus.GRANTED), key=lambda c: c.purpose.code)
    withdrawn = sorted(
        (c for c in consents if c.status == ConsentStatus.WITHDRAWN), key=lambda c: c.purpose.code
    )
    if not given and not withdrawn:
        return 0
    readers = _confirmation_readers(subject, timezone.localdate(now))
    # The customer hears who asked when it was not them: a caller on the power of attorney the bank holds.
    asked_by = (representative_named(withdrawal_representative([c.pk for c in withdrawn]), for_customer=True)
                if withdrawn else "")
    for reader in readers:
        language = language_for_subject(reader)
        notification = notify(
            subject=reader,
            template=TEMPLATE,
            context={
                "given": _names(given, language),
                "withdrawn": _names(withdrawn, language),
                "for_ward": reader.pk != subject.pk,
                # A guardian may act for several children: the one the call was about, as a stop notice names.
                "ward_name": subject.full_name if reader.pk != subject.pk else "",
                "recorded_at": utc_iso(now),
                "asked_by": asked_by,
                "link": absolute_url_in(language, "consents:me_consents"),
            },
            topic=TOPIC,
            dedupe_key=f"consents.phone_recorded:{subject.pk}:{utc_iso(now)}:{reader.pk}",
            now=now,
        )
        audit_record(
            action=AUDIT_ACTION,
            actor=actor,
            subject=subject.pk,
            target=(given + withdrawn)[0],
            now=now,
            data={
                "given": [str(c.pk) for c in given],
                "withdrawn": [str(c.pk) for c in withdrawn],
                "to": "guardian" if reader.pk != subject.pk else "customer",
                "notification": str(notification.pk),
            },
        )
    return len(readers)
