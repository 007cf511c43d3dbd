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
from consents.selectors.check import consent_check_as_of
from consents.selectors.records import events_in_order, restrictions_in_force_at
from consents.selectors.rule import CheckResult


@dataclass(frozen=True)
class StateAt:
    """One purpose at the moment asked. `status` None: nothing recorded by then. `event`: the event that set
    that status (the grant or refusal, or what ended it); None when a term ran out that the hourly sweep
    had not yet recorded (`ended_at` is then the term's end). `voided_later`: the void, recorded after the
    moment, that says the record was made in error. `restriction`: the kind of restriction, objection or
    legal hold in force then over this purpose (the widest), which stops processing whatever the consent.
    `answer`: what the consent check answered then (`consent_check_as_of`, the one rule: legal bases,
    restrictions, life events, re-consent after a widening, children), the "was it allowed?"."""

    purpose: Purpose
    status: str | None
    consent: Consent | None
    event: ConsentEvent | None
    ended_at: datetime | None
    voided_later: ConsentEvent | None
    restriction: str | None
    answer: CheckResult

    @property
    def status_label(self) -> str:
        return ConsentStatus(self.status).label if self.status else ""

    @property
    def restriction_label(self) -> str:
        return ProcessingRestriction.Kind(self.restriction).label if self.restriction else ""


def _events_in_order(subject) -> list[ConsentEvent]:
    return list(
        events_in_order(
            ConsentEvent.objects.filter(subject=subject)
            .select_related("consent__purpose", "consent__notice")
            .defer(*(f"consent__notice__{text}" for text in NOTICE_TEXTS))
        )
    )


def _restrictions_at(subject, at: datetime) -> dict:
    """Purpose id (None: every purpose) → the widest kind in force at `at`
    (legal_hold < object < restrict)."""
    kinds: dict = {}
    in_force = restrictions_in_force_at(subject.pk, at).values_list("purpose_id", "kind")
    for purpose_id, kind in in_force:
        kinds[purpose_id] = _widest(kind, kinds.get(purpose_id))
    return kinds


def _widest(*kinds: str | None) -> str | None:
    return min(filter(None, kinds), default=None)


def _record_at(answers: list, events: dict, at: datetime) -> dict:
    """The record's part of a purpose's `StateAt` from the answers given by `at`, the latest last."""
    if not answers:
        return {"status": None, "consent": None, "event": None, "ended_at": None, "voided_later": None}
    given = answers[-1]
    consent = given.consent
    later = [event for event in events[consent.pk] if not event.is_answer]
    ended = [event for event in later if event.at <= at]
    record = {
        "consent": consent,
        "voided_later": next((e for e in later if e.at > at and e.kind == ConsentStatus.VOIDED), None),
    }
    if ended:
        return {**record, "status": ended[-1].kind, "event": ended[-1], "ended_at": ended[-1].at}
    term = consent.expires_at
    if given.kind == ConsentStatus.GRANTED and term is not None and term <= at:
        return {**record, "status": ConsentStatus.EXPIRED, "event": None, "ended_at": term}
    return {**record, "status": given.kind, "event": given, "ended_at": None}


def consent_states_at(subject, *, at: datetime) -> list[StateAt]:
    """Every purpose of the catalogue (and any retired one the customer answered) as it stood for this
    customer at `at`: the latest answer given by then (a consent to a newer notice supersedes the older
    one) and what had ended it by then, with the restriction in force and the check's answer then. The
    history in three queries; the check, as the API's `consent-check/?at=` answers it, a few per purpose
    (a catalogue holds tens)."""
    events: dict = {}
    answers: dict = {}
    for event in _events_in_order(subject):
        events.setdefault(event.consent_id, []).append(event)
        if event.is_answer and event.at <= at:
            answers.setdefault(event.consent.purpose_id, []).append(event)
    purposes = Purpose.objects.filter(Q(active=True) | Q(pk__in=list(answers))).order_by("code")
    restrictions = _restrictions_at(subject, at)
    return [
        StateAt(
            purpose=purpose,
            **_record_at(answers.get(purpose.pk, []), events, at),
            restriction=_widest(restrictions.get(None), restrictions.get(purpose.pk)),
            answer=consent_check_as_of(subject_ref=subject.external_ref, purpose_code=purpose.code, at=at),
        )
        for purpose in purposes
    ]
