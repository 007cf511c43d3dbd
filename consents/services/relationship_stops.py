"""The platform's own stop of a former customer's consents: when staff record that the customer's
relationship with the bank ended (every account closed), in the transaction of that rectification.

The consents were given for a customer of the bank; once none is left, what the bank still holds stays
only because a law keeps it and serves only that law (domain notes, "Retention and deletion"). So the
consent check stops answering "yes" for marketing or sharing, and recipients who received the data on
a consent are told to stop, as on any withdrawal. A customer who comes back consents afresh: clearing
the end date revives nothing, since nothing is inferred from silence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from consents.models import Consent
from consents.services.withdrawals import RELATIONSHIP_END_STOP_REASON, live_consents_locked, withdraw_locked
from core.actors import Actor
from subjects.models import DataSubject

RELATIONSHIP_END_STOP_SOURCE = "subjects.relationship_ended"


def consents_stop_for_relationship_end(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], before: Mapping[str, Any],
    now: datetime, source: str = "",
) -> list[Consent]:
    """After a rectification (`subjects.follow_ups`) that recorded the end of the relationship: each live
    consent stops now, as the platform's withdrawal (its event, audit entry and the recipients' duties).
    A corrected end date, or one cleared, stops nothing more."""
    if "relationship_ended_on" not in changed or subject.relationship_ended_on is None:
        return []
    stopped = []
    for consent in live_consents_locked(Consent.objects.filter(subject=subject), now):
        if withdraw_locked(actor=actor, consent=consent, channel="", reason=RELATIONSHIP_END_STOP_REASON,
                           source=RELATIONSHIP_END_STOP_SOURCE, now=now) is not None:
            stopped.append(consent)
    return stopped
