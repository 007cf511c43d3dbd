"""What a customer had consented to at a past moment, purpose by purpose: the DPO's answer to a complaint or
an inspector ("on 3 March, was marketing by SMS allowed, under which notice version, recorded through which
channel, by whom?"). Rebuilt from the append-only consent events and restrictions, never from today's
state rows, which hold only the latest answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from consents.models import Consent, ConsentEvent, ConsentStatus, ProcessingRestriction, Purpose
from consents.selectors.catalogue import NOTICE_TEXTS


@dataclass(frozen=True)
class StateAt:
    """One purpose at the moment asked. `status` None: nothing recorded by then. `event`: the event that set
    that status (the grant or refusal, or what ended it); None when a term ran out that the hourly sweep
    had not yet recorded (`ended_at` is then the term's end). `voided_later`: the void, recorded after the
    moment, that says the record was made in error. `restriction`: the kind of restriction, objection or
    legal hold in force then over this purpose (the widest), which stops processing whatever the consent."""

    purpose: Purpose
    status: str | None
    consent: Consent | None
    event: ConsentEvent | None
    ended_at: datetime | None
    voided_later: ConsentEvent | None
    restriction: str | None

    @property
    def in_force(self) -> bool:
        return self.status == ConsentStatus.GRANTED and self.restriction is None

    @property
    def status_label(self) -> str:
        return ConsentStatus(self.status).label if self.status else ""

    @property
    def restriction_label(self) -> str:
        return ProcessingRestriction.Kind(self.restriction).label if self.restriction else ""


def _events_by_consent(subject) -> dict:
    events: dict = {}
    rows = (
        ConsentEvent.objects.filter(subject=subject)
        .select_related("consent__purpose", "consent__notice")
        .defer(*(f"consent__notice__{text}" for text in NOTICE_TEXTS))
        .order_by("at", "kind", "pk")
    )
    for event in rows:
        events.setdefault(event.consent_id, []).append(event)
    return events


def _restrictions_at(subject, at: datetime) -> dict:
    """Purpose id (None: every purpose) → the widest kind in force at `at`
    (legal_hold < object < restrict)."""
    kinds: dict = {}
    in_force = (
        ProcessingRestriction.objects.filter(subject=subject, started_at__lte=at)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=at))
        .values_list("purpose_id", "kind")
    )
    for purpose_id, kind in in_force:
        kinds[purpose_id] = min(kind, kinds.get(purpose_id, kind))
    return kinds


def _state_of(
    purpose: Purpose, answers: list, events: dict, at: datetime, restriction: str | None
) -> StateAt:
    if not answers:
        return StateAt(purpose, None, None, None, None, None, restriction)
    answer = answers[-1]
    consent = answer.consent
    later = [event for event in events[consent.pk] if not event.is_answer]
    ended = [event for event in later if event.at <= at]
    voided_later = next((e for e in later if e.at > at and e.kind == ConsentStatus.VOIDED), None)
    if ended:
        return StateAt(purpose, ended[-1].kind, consent, ended[-1], ended[-1].at, voided_later, restriction)
    if answer.kind == ConsentStatus.GRANTED and consent.expires_at is not None and consent.expires_at <= at:
        expired = consent.expires_at
        return StateAt(purpose, ConsentStatus.EXPIRED, consent, None, expired, voided_later, restriction)
    return StateAt(purpose, answer.kind, consent, answer, None, voided_later, restriction)


def consent_states_at(subject, *, at: datetime) -> list[StateAt]:
    """Every purpose of the catalogue (and any retired one the customer answered) as it stood for this
    customer at `at`: the latest answer given by then (a consent to a newer notice supersedes the older
    one) and what had ended it by then, with the restriction in force. Three queries whatever the history."""
    events = _events_by_consent(subject)
    answers: dict = {}
    for consent_events in events.values():
        for event in consent_events:
            if event.is_answer and event.at <= at:
                answers.setdefault(event.consent.purpose_id, []).append(event)
    for given in answers.values():
        given.sort(key=lambda event: event.at)
    purposes = Purpose.objects.filter(Q(active=True) | Q(pk__in=list(answers))).order_by("code")
    restrictions = _restrictions_at(subject, at)
    return [
        _state_of(
            purpose,
            answers.get(purpose.pk, []),
            events,
            at,
            min(filter(None, (restrictions.get(None), restrictions.get(purpose.pk))), default=None),
        )
        for purpose in purposes
    ]
