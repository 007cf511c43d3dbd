"""The consent check: may the bank process this customer's data for this purpose, now, at a past
moment, or for a whole campaign? Each reads the facts and answers by the one rule,
`consents.selectors.rule.decide`.

`consent_check` is the hot path: one indexed query (the subject by CIF, any restriction in force and
the current-state row by subject and purpose, with who gave its consent), the purpose catalogue from the
in-process cache, nothing decrypted except a ward's date of birth, for marketing or a consent their
guardian gave alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property

from django.db.models import ExpressionWrapper, F, Q, QuerySet, Subquery, TextField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from consents.catalogue import PurposeEntry, catalogue, purpose_entry
from consents.models import Consent, ConsentEvent, ConsentState, ProcessingRestriction, Purpose
from consents.selectors.records import events_in_order, restrictions_in_force_at
from consents.selectors.rule import (
    CheckResult,
    child_born,
    decide,
    guardian_alone,
    is_marketing,
    life_ended_reason,
    own_agreement_due,
)
from core.db import prepared_cursor, raw_moment
from core.errors import InvalidInput, NotFound
from subjects.models import DataSubject
from subjects.selectors import subject_id_subquery_for_ref, unknown_customer_number
from subjects.validators import cif_candidates, cif_pick, cif_spellings

BULK_CHECK_LIMIT = 10_000
BULK_CHUNK = 1_000
# The hot path reads the ciphertext in its one query and decrypts it only when the rule asks.
_DATE_OF_BIRTH = DataSubject._meta.get_field("date_of_birth")


def purpose_or_404(code: str) -> PurposeEntry:
    entry = purpose_entry(code or "")
    if entry is None:
        raise NotFound(_("No purpose with this code."), code="purpose_not_found")
    return entry


class _BirthDate:
    """One subject's date of birth, read encrypted with the check's facts, and the rules that ask it
    (`decide`'s `is_child` and `agreement_due`). Only a ward's marketing or a consent their guardian gave
    alone asks: the date is decrypted, and the day it is read on worked out, then, once for both rules."""

    def __init__(self, ciphertext: str | None, now: datetime) -> None:
        self._ciphertext = ciphertext
        self._now = now

    @cached_property
    def _known(self) -> tuple[date | None, date]:
        return _DATE_OF_BIRTH.to_python(self._ciphertext), timezone.localdate(self._now)

    def is_child(self, _subject_id) -> bool:
        return child_born(*self._known)

    def agreement_due(self, _subject_id) -> bool:
        return own_agreement_due(*self._known)


def _births(subject_ids: list) -> dict:
    """These subjects' dates of birth, in one query, not one per subject."""
    return dict(DataSubject.objects.filter(pk__in=subject_ids).values_list("pk", "date_of_birth"))


def _by_birth(rule: Callable[[date | None, date], bool], births: dict, *, on: date) -> Callable:
    """`rule` (`child_born`, `own_agreement_due`) asked of a subject id, from dates of birth read before."""
    return lambda subject_id: rule(births.get(subject_id), on)


def _check_sql(*, either_case: bool) -> str:
    subject, state, consent = DataSubject._meta.db_table, ConsentState._meta.db_table, Consent._meta.db_table
    restriction = ProcessingRestriction._meta.db_table
    # A CIF typed other than in upper case may name the row stored as typed or the upper-case one, the
    # one stored as typed first (`cif_candidates`): both spellings on the unique index, still one
    # query. One typed in upper case, as core banking sends it, has one spelling and skips the sort.
    match = (
        "WHERE s.external_ref IN (%s, %s) ORDER BY CASE WHEN s.external_ref = %s THEN 0 ELSE 1 END LIMIT 1"
        if either_case
        else "WHERE s.external_ref = %s"
    )
    # Kinds sort legal_hold < object < restrict, widest reach first (`_restriction_reason`). Table
    # names come from the models and every value is a bound parameter.
    return (
        f"SELECT s.id, s.guardian_id, s.date_of_birth, s.relationship_ended_on, s.deceased_on, "  # noqa: S608
        f"(SELECT r.kind FROM {restriction} r WHERE r.subject_id = s.id AND r.lifted_at IS NULL "
        f"AND (r.purpose_id IS NULL OR r.purpose_id = %s) ORDER BY r.kind LIMIT 1), "
        f"cs.consent_id, cs.status, cs.notice_id, cs.expires_at, c.guardian_id, c.child_agreed "
        f"FROM {subject} s LEFT JOIN {state} cs ON cs.subject_id = s.id AND cs.purpose_id = %s "
        f"LEFT JOIN {consent} c ON c.id = cs.consent_id "
        f"{match}"
    )


def _uuid(value) -> uuid.UUID | None:
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def consent_check(
    *,
    subject_ref: str,
    purpose_code: str,
    now: datetime | None = None,
    recipients: frozenset[int] | None = None,
) -> CheckResult:
    """May the bank process this subject's data for this purpose right now, and why (not)?

    One round trip: the hot path runs before every marketing send and card authorisation, so it is a
    single indexed query (subject by CIF typed in any case, the restriction subquery on its partial
    index, the state row by its unique key), written as SQL to skip the ORM's per-call compilation
    and prepared once per connection to skip PostgreSQL's planning (core/db.py). `recipients`: those
    the asking client answers for (`consents.client_recipients`), None for the bank's own systems.
    """
    now = now or timezone.now()
    purpose = purpose_or_404(purpose_code)
    exact, upper = cif_candidates(subject_ref)
    either_case = exact != upper
    spellings = [exact, upper, exact] if either_case else [exact]
    with prepared_cursor() as cursor:
        cursor.execute(_check_sql(either_case=either_case), [purpose.id, purpose.id, *spellings])
        row = cursor.fetchone()
    if row is None:
        raise unknown_customer_number(subject_ref)
    (subject_id, guardian_id, born, relationship_ended_on, deceased_on, restriction, consent_id, status,
     notice_id, expires_at, given_by, child_agreed) = row
    state = (
        None
        if status is None
        else (
            _uuid(consent_id), status, notice_id, raw_moment(expires_at),
            guardian_alone(given_by, child_agreed),
        )
    )
    birth_date = _BirthDate(born, now)
    return decide(
        purpose,
        restriction=restriction,
        ward=guardian_id is not None,
        subject_id=_uuid(subject_id),
        state=state,
        now=now,
        is_child=birth_date.is_child,
        agreement_due=birth_date.agreement_due,
        ended=life_ended_reason(relationship_ended_on, deceased_on),
        recipients=recipients,
    )


def consent_check_as_of(
    *, subject_ref: str, purpose_code: str, at: datetime, recipients: frozenset[int] | None = None
) -> CheckResult:
    """What `consent_check` would have answered at `at`, rebuilt from the append-only consent events
    and restrictions, with the consent and the purpose version in force at that moment (the DPO's
    "had I consented when you texted me on 3 February?")."""
    purpose = purpose_or_404(purpose_code)
    subject = (
        DataSubject.objects.filter(pk=Subquery(subject_id_subquery_for_ref(subject_ref)))
        # As stored: `_BirthDate` decrypts it if the rule asks.
        .annotate(born=ExpressionWrapper(F("date_of_birth"), output_field=TextField()))
        .values_list("pk", "guardian_id", "born", "relationship_ended_on", "deceased_on")
        .first()
    )
    if subject is None:
        raise unknown_customer_number(subject_ref)
    subject_id, guardian_id, born, relationship_ended_on, deceased_on = subject
    birth_date = _BirthDate(born, at)
    kinds = (
        restrictions_in_force_at(subject_id, at)
        .filter(Q(purpose__isnull=True) | Q(purpose_id=purpose.id))
        .values_list("kind", flat=True)
    )
    in_force = purpose.current_notice(at)
    state = _state_as_of(subject_id=subject_id, purpose_id=purpose.id, at=at)
    result = decide(
        replace(purpose, active=_purpose_active_as_of(purpose, at=at, in_force=in_force)),
        restriction=min(kinds, default=None),
        ward=guardian_id is not None,
        subject_id=subject_id,
        state=state,
        now=at,
        is_child=birth_date.is_child,
        agreement_due=birth_date.agreement_due,
        ended=life_ended_reason(relationship_ended_on, deceased_on, on=timezone.localdate(at)),
        recipients=recipients,
    )
    given = purpose.notice(state[2]) if state else None
    return replace(result, notice_version=given.version if given else None)


def _purpose_active_as_of(purpose: PurposeEntry, *, at: datetime, in_force) -> bool:
    """Whether the purpose was in force at `at`: a published purpose with no version in force yet
    had not started, and its `active` switch is read from the append-only audit trail (the change
    recorded last by then), not from today's row."""
    if purpose.notices and in_force is None:
        return False
    switches = AuditEntry.objects.filter(
        action="consents.purpose.updated",
        target_type=Purpose._meta.label_lower,
        target_id=str(purpose.id),
        data__changed__has_key="active",
    ).values_list("recorded_at", "data")
    last = switches.filter(recorded_at__lte=at).order_by("-sequence").first()
    if last is not None:
        return bool(last[1]["changed"]["active"]["after"])
    first_after = switches.filter(recorded_at__gt=at).order_by("sequence").first()
    if first_after is not None:
        return bool(first_after[1]["changed"]["active"]["before"])
    return purpose.active


def _state_as_of(*, subject_id, purpose_id, at: datetime) -> tuple | None:
    """The (consent, status, notice, expiry) the state row held at `at`, from the events: the latest
    grant (or refusal) by then, and how that consent had ended by then, if it had (a refusal only by a
    void)."""
    grant = events_in_order(
        ConsentEvent.objects.filter(
            subject_id=subject_id,
            consent__purpose_id=purpose_id,
            kind__in=(ConsentEvent.Kind.GRANTED, ConsentEvent.Kind.REFUSED),
            at__lte=at,
        ).select_related("consent"),
        latest_first=True,
    ).first()
    if grant is None:
        return None
    consent = grant.consent
    since = consent.events.filter(at__lte=at).exclude(kind=grant.kind)
    ended = events_in_order(since, latest_first=True).first()
    status = ended.kind if ended else grant.kind
    expires_at = None if grant.kind == ConsentEvent.Kind.REFUSED else consent.expires_at
    by_guardian_alone = guardian_alone(consent.guardian_id, consent.child_agreed)
    return consent.pk, status, consent.notice_id, expires_at, by_guardian_alone


def consent_check_subjects(
    purpose: PurposeEntry,
    subjects: QuerySet[DataSubject],
    *,
    now: datetime,
    recipients: frozenset[int] | None = None,
) -> dict[str, CheckResult]:
    """The check of each of these customers for one purpose, by their stored customer number: set-based,
    the customers, their restrictions, their consent states and the dates of birth the rule needs, four
    queries whatever their number (the campaign check and its changes since, a thousand at a time)."""
    facts = {
        ref: (pk, guardian_id, life_ended_reason(relationship_ended_on, deceased_on))
        for pk, ref, guardian_id, relationship_ended_on, deceased_on in subjects.values_list(
            "pk", "external_ref", "guardian_id", "relationship_ended_on", "deceased_on"
        )
    }
    ids = [pk for pk, _guardian_id, _ended in facts.values()]
    restrictions: dict = {}
    for subject_id, kind in (
        ProcessingRestriction.objects.filter(subject_id__in=ids, lifted_at__isnull=True)
        .filter(Q(purpose__isnull=True) | Q(purpose_id=purpose.id))
        .values_list("subject_id", "kind")
    ):
        restrictions[subject_id] = min(kind, restrictions.get(subject_id, kind))
    states = {
        subject_id: (*state, guardian_alone(given_by, child_agreed))
        for subject_id, *state, given_by, child_agreed in ConsentState.objects.filter(
            subject_id__in=ids, purpose_id=purpose.id
        ).values_list(
            "subject_id", "consent_id", "status", "notice_id", "expires_at",
            "consent__guardian_id", "consent__child_agreed",
        )
    }
    # Ages matter only for wards' marketing, as the version in force says (only wards can be children,
    # as `decide` reads it), and for consents given by a guardian alone: those dates of birth only.
    barred = is_marketing(purpose.in_force(now))
    born = _births(
        [
            pk
            for pk, guardian_id, _ended in facts.values()
            if (barred and guardian_id is not None) or (pk in states and states[pk][-1])
        ]
    )
    on = timezone.localdate(now)
    return {
        ref: decide(
            purpose,
            restriction=restrictions.get(subject_id),
            ward=guardian_id is not None,
            subject_id=subject_id,
            state=states.get(subject_id),
            now=now,
            is_child=_by_birth(child_born, born, on=on),
            agreement_due=_by_birth(own_agreement_due, born, on=on),
            ended=ended,
            recipients=recipients,
        )
        for ref, (subject_id, guardian_id, ended) in facts.items()
    }


def consent_check_bulk(
    *,
    purpose_code: str,
    subject_refs: Iterable[str],
    now: datetime | None = None,
    recipients: frozenset[int] | None = None,
) -> dict[str, CheckResult | None]:
    """The check for a campaign: up to 10,000 CIFs against one purpose, set-based, in CIF order given.

    Unknown CIFs map to None.
    """
    now = now or timezone.now()
    purpose = purpose_or_404(purpose_code)
    refs = list(dict.fromkeys(r.strip() for r in subject_refs if r and r.strip()))
    if not refs:
        raise InvalidInput(_("Give at least one customer number (CIF)."), field="subjects")
    if len(refs) > BULK_CHECK_LIMIT:
        raise InvalidInput(_("At most 10,000 customer numbers per check."), field="subjects")
    answers: dict[str, CheckResult | None] = dict.fromkeys(refs)
    for start in range(0, len(refs), BULK_CHUNK):
        chunk = refs[start : start + BULK_CHUNK]
        # Each CIF as typed names one customer by the one rule (`cif_pick`); two typings of the same
        # customer ("cif1", "CIF1") each get its answer.
        named = DataSubject.objects.filter(external_ref__in=set().union(*map(cif_spellings, chunk)))
        decided = consent_check_subjects(purpose, named, now=now, recipients=recipients)
        answers.update((ref, cif_pick(decided, ref)) for ref in chunk)
    return answers


def purposes_offered_any() -> bool:
    """Whether the catalogue the check judges by offers any purpose: a bank's own database starts with
    none, and then customers have nothing to consent to and every consent a client records is refused."""
    return any(entry.active for entry in catalogue().values())
