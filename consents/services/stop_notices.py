"""Telling the family when the platform itself stops a child's consents: the nightly job on the 7th
birthday (`consents_stop_outgrown`) and a corrected date of birth (`consents_stop_for_child`).

The recipients are told to stop by their duties; the customer would otherwise find marketing or sharing
silently off, not knowing that the child's own agreement is now needed to switch it on again. One
message per customer per stop (never one per consent), queued through the notifier
(`notifications.services.notify`: their channels, their language) in the transaction of the stops, and
audited there as the authorisation expiry notice is.

Who reads it follows the requests' rule (`dsr.notifications.customer_notify`): the guardian acting for
the child (verified, fit, the child under 16: `subjects.children.guardian_not_acting`) hears of it, and
the customer's own record when no guardian acts for them. A child of 7 or over, whose own agreement is
what is now needed, also hears of it on their own e-mail or phone when the bank holds one, as they hear
of notice changes (`consents.services.announcements`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from accounts.languages import language_for_subject
from audit.services import audit_record
from consents.models import Consent
from consents.selectors.rule import own_agreement_due
from core.actors import Actor
from core.labels import in_language
from integrations.links import absolute_url_in
from notifications.services import notify
from subjects.children import guardian_not_acting
from subjects.models import DataSubject

# Why the platform stopped a consent, as the message explains it (one paragraph each).
CAUSE_TURNED_SEVEN = "turned_seven"
CAUSE_AGREEMENT_MISSING = "agreement_missing"
CAUSE_CHILD_ALONE = "child_alone"
TEMPLATE = "consents/email/platform_stop"
TOPIC = "consents.customer.platform_stop"
AUDIT_ACTION = "consents.consent.stop_notice_sent"


def family_readers(subject: DataSubject, *, on) -> list[DataSubject]:
    """Who is written to about the customer's stops: the guardian acting for them, and the customer
    themselves when no guardian acts, or when they are 7 or over and the bank holds their own e-mail
    or phone. A customer recorded as deceased is not written to (a consent of theirs still on file dates
    from before deaths stopped consents); their recipients are told to stop all the same."""
    guardian = subject.guardian if subject.guardian_id else None
    guardian_acts = guardian_not_acting(subject, guardian, on=on) is None
    readers = [guardian] if guardian_acts else []
    own_say = own_agreement_due(subject.date_of_birth, on)
    if subject.deceased_on is None and (not guardian_acts or (own_say and (subject.email or subject.phone))):
        readers.append(subject)
    return readers


def _context(subject: DataSubject, reader: DataSubject, stops: list[tuple[Consent, str]]) -> dict:
    language = language_for_subject(reader)
    link = absolute_url_in(language, "consents:me_consents")
    return {
        "purposes": [in_language(c.purpose.name_vi, c.purpose.name_en, language=language) for c, _ in stops],
        "causes": sorted({cause for _, cause in stops}),
        "to_guardian": reader.pk != subject.pk,
        "child_name": subject.full_name,
        "link": link,
    }


def platform_stops_notify(
    *, actor: Actor, subject: DataSubject, stops: Iterable[tuple[Consent, str]], now: datetime
) -> int:
    """In the transaction of the stops: one message about all of `subject`'s consents the platform
    just stopped (each with its cause, `CAUSE_*`) to each reader (`family_readers`), and its audit entry on
    the customer's trail. Nothing when nothing stopped. Returns how many messages were queued."""
    stops = sorted(stops, key=lambda stop: stop[0].purpose.code)
    if not stops:
        return 0
    # A consent stops once: its id keys the message, so the same stops never write twice.
    first = min(str(consent.pk) for consent, _ in stops)
    readers = family_readers(subject, on=timezone.localdate(now))
    for reader in readers:
        notification = notify(
            subject=reader,
            template=TEMPLATE,
            context=_context(subject, reader, stops),
            topic=TOPIC,
            dedupe_key=f"consents.platform_stop:{first}:{reader.pk}",
            now=now,
        )
        audit_record(
            action=AUDIT_ACTION,
            actor=actor,
            subject=subject.pk,
            target=subject,
            now=now,
            data={
                "purposes": [consent.purpose.code for consent, _ in stops],
                "causes": sorted({cause for _, cause in stops}),
                "to": "guardian" if reader.pk != subject.pk else "customer",
                "notification": str(notification.pk),
            },
        )
    return len(readers)
