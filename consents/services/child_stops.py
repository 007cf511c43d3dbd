"""The platform's own stops of consents a child could not give alone: when a corrected date of birth shows
a child (`consents_stop_for_child`, after a rectification), and at the 7th birthday of a child whose
guardian consented alone (`consents_stop_outgrown`, the daily job). Each is a withdrawal with the
platform's reason (`consents.services.withdrawals`), and the family is told once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from consents.models import Consent
from consents.selectors.outgrown import consents_outgrown_due
from consents.selectors.rule import consent_outgrown, own_agreement_due_from
from consents.services.rules import barred_for_children
from consents.services.stop_notices import (
    CAUSE_AGREEMENT_MISSING,
    CAUSE_CHILD_ALONE,
    CAUSE_TURNED_SEVEN,
    platform_stops_notify,
)
from consents.services.withdrawals import (
    CHILD_AGREEMENT_STOP_REASON,
    CHILD_STOP_REASON,
    OUTGROWN_STOP_REASON,
    live_consents_locked,
    withdraw_locked,
)
from core.actors import Actor
from deadlines.policy import local_midnight
from subjects.children import shown_to_be_child
from subjects.locks import subjects_lock
from subjects.models import DataSubject

# The source and actor of the daily job's stops (`consents_stop_outgrown`).
OUTGROWN_STOP_SOURCE = "consents.outgrown"
OUTGROWN_STOP_ACTOR = Actor.system("consents.stop_outgrown")


def consents_stop_for_child(*, actor: Actor, subject: DataSubject, changed: frozenset[str],
                            before: Mapping[str, Any], now: datetime, source: str = "") -> list[Consent]:
    """After a rectification (`subjects.follow_ups`), in its transaction. When a corrected date of birth
    (or an eKYC adult status taken back) shows the customer may be a child, the consents a child could
    not have given alone stop at once, as withdrawals, so the check answers "withdrawn" and recipients
    are told to stop: those for purposes barred to children and those given without a guardian.
    Domain notes: a child's data collected without guardian consent is deleted or its use stopped at
    once. So do the guardian's consents given alone for a child the corrected date of birth shows was
    7 or over that day (recorded younger, or of unknown age): from 7 the child's own agreement is
    needed beside the guardian's (Decree 13/2023 Art. 20), and it was never asked. The other consents
    a guardian gave stand. The stops record their own source, `subjects.rectified`, whatever made the
    correction (`source`): the platform stops them, no request asked it to. The family hears of the
    stops once, in the same transaction (`stop_notices.platform_stops_notify`)."""
    if not shown_to_be_child(subject, changed=changed, on=timezone.localdate(now)):
        return []
    stopped = []
    for consent in live_consents_locked(Consent.objects.filter(subject=subject), now):
        if consent.guardian_id is None or barred_for_children(consent.purpose, consent.notice):
            reason, cause = CHILD_STOP_REASON, CAUSE_CHILD_ALONE
        elif _child_agreement_missing(consent, subject):
            reason, cause = CHILD_AGREEMENT_STOP_REASON, CAUSE_AGREEMENT_MISSING
        else:
            continue
        if _platform_stop(actor=actor, consent=consent, reason=reason, source="subjects.rectified",
                          now=now):
            stopped.append((consent, cause))
    platform_stops_notify(actor=actor, subject=subject, stops=stopped, now=now)
    return [consent for consent, _cause in stopped]


def _platform_stop(*, actor: Actor, consent: Consent, reason: str, source: str, now: datetime,
                   effective_at: datetime | None = None, received_at: datetime | None = None) -> bool:
    """Stop a locked live consent as the platform's own withdrawal (no channel, the platform's `reason`),
    in the caller's transaction: its event and audit entry, and the recipients' duties to stop with
    their `consent.withdrawn` notices. False when its term had run out first (its expiry recorded)."""
    return withdraw_locked(actor=actor, consent=consent, channel="", reason=reason, source=source, now=now,
                            effective_at=effective_at, received_at=received_at) is not None


def _child_agreement_missing(consent: Consent, subject: DataSubject) -> bool:
    """Whether a guardian's consent lacks the agreement of a child who, by the date of birth on the
    record, was 7 or over the day it was given: outgrown already then (`rule.consent_outgrown`)."""
    return consent_outgrown(consent, subject.date_of_birth, timezone.localdate(consent.granted_at))


def consents_stop_outgrown(*, now: datetime | None = None, limit: int = 500) -> int:
    """The daily job (`consents.stop_outgrown`): stop the consents a guardian gave alone for a customer
    then under 7 whose own agreement is now due (`consents_outgrown_due`, by the check's rule), which
    the check has answered `reconsent_required` since their 7th birthday. Each stops as a corrected date
    of birth stops one (`_platform_stop`: a withdrawal with its event, audit entry and the recipients'
    duties), dated the start of that birthday in Vietnam time, whenever the job runs (on the day, or
    late), but never before the consent was given. One transaction per customer, the customer locked
    first, each consent judged again once locked: a second run finds nothing (and tells no one again).
    The family hears once per customer, in that transaction (`stop_notices.platform_stops_notify`).
    Returns how many consents
    it found due (`limit` at most: the task queues itself again while a batch was full)."""
    now = now or timezone.now()
    due = consents_outgrown_due(now=now, limit=limit)
    by_customer: dict[Any, list] = {}
    for consent_id, subject_id in due:
        by_customer.setdefault(subject_id, []).append(consent_id)
    for subject_id, consent_ids in by_customer.items():
        with transaction.atomic(durable=True):
            subjects_lock([subject_id])
            outgrown_stop_locked(Consent.objects.filter(pk__in=consent_ids), now=now)
    return len(due)


def outgrown_stop_locked(queryset, *, now: datetime, learned_at: datetime | None = None) -> list[Consent]:
    """Stop the consents of `queryset` (one customer's, held) still outgrown once locked, and tell the
    family once of them all; return those stopped. Each ends at the 7th birthday's start (never before
    it was given), and so does the recipients' time, unless the platform only learnt of the consent
    later (`learned_at`: an import of an old paper form), from which they could stop."""
    on = timezone.localdate(now)
    stopped = []
    for consent in live_consents_locked(queryset.select_related("subject"), now):
        born = consent.subject.date_of_birth
        if not consent_outgrown(consent, born, on):
            continue
        effective_at = max(local_midnight(own_agreement_due_from(born)), consent.granted_at)
        received_at = max(effective_at, learned_at) if learned_at else None
        if _platform_stop(actor=OUTGROWN_STOP_ACTOR, consent=consent, reason=OUTGROWN_STOP_REASON,
                          source=OUTGROWN_STOP_SOURCE, now=now, effective_at=effective_at,
                          received_at=received_at):
            stopped.append((consent, CAUSE_TURNED_SEVEN))
    if stopped:  # one customer's consents: one message to the family (`platform_stops_notify`)
        platform_stops_notify(actor=OUTGROWN_STOP_ACTOR, subject=stopped[0][0].subject, stops=stopped,
                              now=now)
    return [consent for consent, _cause in stopped]
