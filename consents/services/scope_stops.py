"""Telling recipients to stop when the bank itself ends what a consent let them do: a new version of a
consented purpose that no longer names them (a narrowing, at once or when the job applies it), or the
purpose retired from the catalogue. The customers' consents stand (they withdraw them as ever), but the
recipients who received data under them must stop, and confirm it, exactly as after a withdrawal (domain
notes: the bank makes recipients and processors stop, keeping their acknowledgements): one duty per live
consent and recipient, its signed notice on the withdrawal's topic with its `cause`, due by the bank's
committed deadline, in the caller's transaction. The customer (or the guardian acting for them, as for
the platform's own stops: `stop_notices.family_readers`) is told once per change which recipients must
stop and why, and sees them on their consents page.

Deliberately one transaction for the whole fan-out: a purpose's live consents are tens of thousands at
most, and a narrowing half told would leave recipients processing with no trace of why."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.languages import language_for_subject
from audit.services import audit_record
from consents.models import Consent, ConsentStatus, Purpose, Recipient, WithdrawalDuty
from consents.selectors import withdrawal_recipients
from consents.selectors.withdrawals import (
    CAUSE_PURPOSE_RETIRED,
    CAUSE_RECIPIENT_REMOVED,
    purpose_change_source,
)
from consents.services.duty_opening import duty_open, recipients_audience
from consents.services.stop_notices import family_readers
from core.actors import Actor
from core.labels import in_language
from deadlines.policy import due_at_for
from integrations.links import absolute_url_in
from notifications.services import notify

# The topic every stop shares (`consents.services.duties.WITHDRAWAL_NOTICE_TOPIC`): receivers already
# subscribe to it; `cause` says the bank changed the purpose.
STOP_TOPIC = "consent.withdrawn"
__all__ = ["CAUSE_PURPOSE_RETIRED", "CAUSE_RECIPIENT_REMOVED", "CUSTOMER_TOPIC", "scope_stops_open"]
CUSTOMER_TEMPLATE = "consents/email/purpose_change_stop"
CUSTOMER_TOPIC = "consents.customer.purpose_change_stop"


def scope_stops_open(
    *, actor: Actor, purpose: Purpose, recipients: Iterable[Recipient], cause: str, now: datetime
) -> list[WithdrawalDuty]:
    """Open a stop for each of `recipients` on each live consent to `purpose` whose recipients it was
    among (`withdrawal_recipients`, read before the purpose's recipients change), with its notice and
    one audit entry per consent. A recipient already holding an open stop of this kind for the consent
    is not told twice."""
    removed = {recipient.pk for recipient in recipients}
    if not removed or not purpose.consent_based:
        return []
    source = purpose_change_source(cause, purpose.code)
    opened: list[WithdrawalDuty] = []
    with transaction.atomic(savepoint=False):
        live = Consent.objects.filter(purpose=purpose, status=ConsentStatus.GRANTED).select_related(
            "subject", "purpose"
        )
        for consent in live.order_by("pk"):
            already = set(
                consent.duties.filter(
                    kind=WithdrawalDuty.Kind.PURPOSE_CHANGE, status=WithdrawalDuty.Status.OPEN
                ).values_list("recipient_id", flat=True)
            )
            told = [r for r in withdrawal_recipients(consent) if r.pk in removed and r.pk not in already]
            if not told:
                continue
            due_at = due_at_for(
                request_type="withdraw", received_at=now, subject=consent.subject, processor_involved=True
            )
            audience = recipients_audience(told)
            notice = {
                "purpose": purpose.code, "cause": cause, "withdrawn_at": now.isoformat(),
                "stop_processing_by": due_at.isoformat(),
            }
            opened += [
                duty_open(
                    consent=consent, recipient=recipient, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE,
                    audience=audience, received_at=now, due_at=due_at, topic=STOP_TOPIC, now=now,
                    notice=notice, source=source,
                )
                for recipient in told
            ]
            readers = _customer_told(consent, told, cause=cause, key=str(opened[-1].pk), now=now)
            audit_record(
                action="consents.duty.purpose_change_opened",
                actor=actor,
                subject=consent.subject_id,
                target=consent,
                now=now,
                data={"recipients": [r.pk for r in told], "due_at": due_at.isoformat(), "cause": cause,
                      "customer_told": readers},
            )
    return opened


def _customer_told(consent: Consent, told: list[Recipient], *, cause: str, key: str, now: datetime) -> int:
    """Queue the message telling the customer (or the guardian acting for them) that these recipients
    must stop using their data for the consent's purpose, and why; once per change (`key`: a duty it
    opened). Returns how many were queued."""
    subject = consent.subject
    readers = family_readers(subject, on=timezone.localdate(now))
    for reader in readers:
        language = language_for_subject(reader)
        notify(
            subject=reader,
            template=CUSTOMER_TEMPLATE,
            topic=CUSTOMER_TOPIC,
            dedupe_key=f"consents.purpose_change_stop:{key}:{reader.pk}",
            now=now,
            context={
                "purpose": in_language(consent.purpose.name_vi, consent.purpose.name_en, language=language),
                "recipients": [in_language(r.name, r.name_en, language=language) for r in told],
                "retired": cause == CAUSE_PURPOSE_RETIRED,
                "to_guardian": reader.pk != subject.pk,
                "child_name": subject.full_name,
                "link": absolute_url_in(language, "consents:me_consents"),
            },
        )
    return len(readers)
