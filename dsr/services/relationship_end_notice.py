"""The message a customer gets when the bank records the end of their relationship: which consents the
platform stopped, and what the bank keeps from then on, why and until when. Without it the customer learns
of neither (domain notes: recipients are made to stop, and data a law keeps stays until its period ends).

Sent once, when the end is first recorded (a corrected date tells nothing new), in the customer's
language and on their channels through the notifier's outbox, in the rectification's transaction: nothing
leaves if it rolls back. Audited (`dsr.relationship_end.told`: how many consents and rules it named)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from accounts.languages import language_for_subject
from audit.services import audit_record
from core.actors import Actor
from core.labels import in_language
from dsr.selectors.relationship_end import consents_stopped_for_relationship_end, kept_after_relationship_end
from notifications.services import notify
from subjects.follow_ups import life_end_recorded
from subjects.models import DataSubject

TEMPLATE = "dsr/email/relationship_ended"
TOPIC = "dsr.customer.relationship_ended"


def relationship_end_notify(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], before: Mapping[str, Any], now: datetime,
    **kwargs: Any,
) -> None:
    """After a rectification (`subjects.follow_ups`) that first recorded the end of the relationship, after
    the platform stopped the consents: tell the customer (not on a death: the deceased reads nothing)."""
    if life_end_recorded(subject, changed) != "relationship_ended_on" or before.get("relationship_ended_on"):
        return
    if subject.deceased_on:
        return
    language = language_for_subject(subject)
    stopped = consents_stopped_for_relationship_end(subject, now=now)
    kept = kept_after_relationship_end(ended_on=subject.relationship_ended_on, language=language)
    # Picked in the customer's language here; the notifier renders the template in it on delivery.
    context = {
        "ended_on_at": subject.relationship_ended_on.isoformat(),
        "stopped": [
            in_language(consent.purpose.name_vi, consent.purpose.name_en, language=language)
            for consent in stopped
        ],
        "kept": [{**rule, "kept_until": f"{rule['kept_until']:%d/%m/%Y}"} for rule in kept],
    }
    notification = notify(
        subject=subject,
        template=TEMPLATE,
        context=context,
        topic=TOPIC,
        # Once per relationship: a customer who comes back and leaves again hears of the new end.
        dedupe_key=f"{TOPIC}:{subject.pk}:{subject.relationship_ended_on.isoformat()}",
        now=now,
    )
    audit_record(
        action="dsr.relationship_end.told",
        actor=actor,
        subject=subject,
        target=notification,
        now=now,
        data={"consents_stopped": len(stopped), "retention_rules": len(kept)},
    )
