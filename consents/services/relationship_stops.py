"""The platform's own stop of a customer's consents when their life with the bank ends, in the transaction
of the rectification that records it: the end of the relationship (every account closed) or the death.

The consents were given for a customer of the bank; once none is left, what the bank still holds stays
only because a law keeps it and serves only that law (domain notes, "Retention and deletion"). A deceased
person's data is processed only with the consent of their spouse or adult children, or parents (Law
91/2025), never on the consents they gave while alive. So the consent check stops answering "yes" for
marketing or sharing, and recipients who received the data on a consent are told to stop, as on any
withdrawal. A customer who comes back consents afresh: clearing the date revives nothing, since nothing
is inferred from silence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from consents.models import Consent
from consents.services.withdrawals import (
    DECEASED_STOP_REASON,
    RELATIONSHIP_END_STOP_REASON,
    live_consents_locked,
    withdraw_locked,
)
from core.actors import Actor
from subjects.follow_ups import LIFE_END_SOURCES, life_end_recorded
from subjects.models import DataSubject

# The withdrawal's reason, by the field that recorded the end (`subjects.follow_ups.LIFE_END_SOURCES`).
_REASONS = {"deceased_on": DECEASED_STOP_REASON, "relationship_ended_on": RELATIONSHIP_END_STOP_REASON}


def consents_stop_for_relationship_end(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], before: Mapping[str, Any],
    now: datetime, source: str = "",
) -> list[Consent]:
    """After a rectification (`subjects.follow_ups`) that recorded the death or the end of the relationship
    (the death's reason first when both): each live consent stops now, as the platform's withdrawal (its
    event, audit entry and the recipients' duties). A corrected date, or one cleared, stops nothing more."""
    ended_by = life_end_recorded(subject, changed)
    if ended_by is None:
        return []
    reason, stop_source = _REASONS[ended_by], LIFE_END_SOURCES[ended_by]
    stopped = []
    for consent in live_consents_locked(Consent.objects.filter(subject=subject), now):
        if withdraw_locked(actor=actor, consent=consent, channel="", reason=reason, source=stop_source,
                           now=now) is not None:
            stopped.append(consent)
    return stopped
