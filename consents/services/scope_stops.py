"""Telling recipients to stop when the bank itself ends what a consent let them do: a new version of a
consented purpose that no longer names them (a narrowing, at once or when the job applies it), or the
purpose retired from the catalogue. The customers' consents stand (they withdraw them as ever), but the
recipients who received data under them must stop, and confirm it, exactly as after a withdrawal (domain
notes: the bank makes recipients and processors stop, keeping their acknowledgements): one duty per live
consent and recipient, its signed notice on the withdrawal's topic with its `cause`, due by the bank's
committed deadline, in the caller's transaction.

Deliberately one transaction for the whole fan-out: a purpose's live consents are tens of thousands at
most, and a narrowing half told would leave recipients processing with no trace of why."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from audit.services import audit_record
from consents.models import Consent, ConsentStatus, Purpose, Recipient, WithdrawalDuty
from consents.selectors import withdrawal_recipients
from consents.selectors.withdrawals import (
    CAUSE_PURPOSE_RETIRED,
    CAUSE_RECIPIENT_REMOVED,
    purpose_change_source,
)
from consents.services.duty_opening import duty_open, recipients_audience
from core.actors import Actor
from deadlines.policy import due_at_for

# The topic every stop shares (`consents.services.duties.WITHDRAWAL_NOTICE_TOPIC`): receivers already
# subscribe to it; `cause` says the bank changed the purpose.
STOP_TOPIC = "consent.withdrawn"
__all__ = ["CAUSE_PURPOSE_RETIRED", "CAUSE_RECIPIENT_REMOVED", "scope_stops_open"]


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
            audit_record(
                action="consents.duty.purpose_change_opened",
                actor=actor,
                subject=consent.subject_id,
                target=consent,
                now=now,
                data={"recipients": [r.pk for r in told], "due_at": due_at.isoformat(), "cause": cause},
            )
    return opened
