"""Consent records: the lists and look-ups pages and API show, each customer's states, timeline
and restrictions in force, and the CSV imports of consents.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Case, F, Max, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from consents.models import (
    Consent,
    ConsentEvent,
    ConsentImport,
    ConsentState,
    ConsentStatus,
    ProcessingRestriction,
    Purpose,
)
from consents.selectors.catalogue import NOTICE_TEXTS
from core.access import subject_for_user
from core.db import head_and_total
from core.roles import Role, user_role
from subjects.models import DataSubject, Representative
from subjects.selectors import guardianships_ended, wards_verified


def consent_list(*, subject=None) -> QuerySet[Consent]:
    """Consents, the latest granted first; only one customer's when `subject` is given."""
    consents = Consent.objects.select_related("subject", "purpose", "notice", "guardian")
    consents = consents.order_by("-granted_at", "-pk")
    return consents if subject is None else consents.filter(subject=subject)


def consents_that_gave_data() -> QuerySet[Consent]:
    """The consent records under which the customer gave their data: every grant, in force or ended
    (data given under a consent stays until it is deleted); an explicit refusal gave nothing. The
    recipients told of a rectification and the customers a breach affected are read through this."""
    return Consent.objects.exclude(status=ConsentStatus.REFUSED)


# The latest event in the receipt's order (`consents.receipts.consent_receipt`): by time, then kind.
_LATEST_FIRST = ("-at", "-kind")


def consent_latest_event_id(consent: Consent):
    """The id of the consent's latest event: the one its receipt, frozen at that event, stands for.
    Read from the `latest_event_id` annotation of `consents_visible_to` when the consent has it."""
    if hasattr(consent, "latest_event_id"):
        return consent.latest_event_id
    return consent.events.order_by(*_LATEST_FIRST).values_list("pk", flat=True).first()


def consents_visible_to(user, *, purposes: frozenset[str] | None = None) -> QuerySet[Consent]:
    """Every consent for staff and clients; a customer's own only (none for a login without a subject);
    each with its `latest_event_id`. `purposes`: only those of these purpose codes (a client's token
    limited to the purposes it serves, `consents.api.served`); None: every purpose."""
    if purposes is not None:
        return consents_visible_to(user).filter(purpose__code__in=purposes)
    if user_role(user) != Role.CUSTOMER:
        return _with_latest_event(consent_list())
    own = subject_for_user(user)
    return _with_latest_event(consent_list(subject=own)) if own is not None else Consent.objects.none()


def _with_latest_event(consents: QuerySet[Consent]) -> QuerySet[Consent]:
    latest = ConsentEvent.objects.filter(consent=OuterRef("pk")).order_by(*_LATEST_FIRST).values("pk")[:1]
    return consents.annotate(latest_event_id=Subquery(latest))


def consent_visible_by_id(user, pk) -> Consent | None:
    return consents_visible_to(user).filter(pk=pk).first()


def consent_by_id(pk) -> Consent | None:
    return consent_list().filter(pk=pk).first()


def consent_of_customer(customer: DataSubject, pk) -> Consent | None:
    """One of the customer's consents, or of a ward whose verified guardian they are."""
    theirs = [customer.pk, *wards_verified(customer).values_list("pk", flat=True)]
    return consent_list().filter(pk=pk, subject__in=theirs).first()


def consents_by_ids(ids: Iterable, *, subject=None) -> QuerySet[Consent]:
    """These consents, each with its `latest_event_id` (its receipt link, without a query per row)."""
    return _with_latest_event(consent_list(subject=subject).filter(pk__in=list(ids)))


def consent_granted(subject, purpose: Purpose | None) -> Consent | None:
    """The subject's consent in force to the purpose, if any."""
    return Consent.objects.filter(subject=subject, purpose=purpose, status=ConsentStatus.GRANTED).first()


def consent_events_with_actors(consent: Consent) -> QuerySet[ConsentEvent]:
    return consent.events.select_related("actor_user__customer_account", "representative")


# Events in the order they happened: by time, and at one instant in the order they were recorded (the
# consent recorded later, an offline answer may carry exactly the time of the customer's latest one), the
# id last so every database reads one order. The check `?at=` and the consents-at-a-moment page read the
# latest answer by it: they cannot disagree on which of two answers given at one instant stands.
EVENT_ORDER = ("at", "consent__created_at", "pk")


def events_in_order(events: QuerySet[ConsentEvent], *, latest_first: bool = False) -> QuerySet[ConsentEvent]:
    return events.order_by(*(f"-{field}" if latest_first else field for field in EVENT_ORDER))


def consent_timeline(subject) -> QuerySet[ConsentEvent]:
    """The customer's consent events and those they gave as a guardian, the latest first; each with
    `guardian_ref`, the CIF of the guardian who acted in that event (None for the customer's own), read
    in the same query rather than by loading (and decrypting) the guardian's record per event: the
    guardian who gave the answer (a grant, a refusal), and of a later event only the guardian who
    did it through their own login. Staff recording the child's withdrawal, or the child withdrawing,
    is not "by guardian" because the guardian once consented.

    The consents given as guardian are found first, on their own index (most customers gave none): the
    events are then those of the customer or of those consents, two indexed columns of the events
    themselves. "Or given as guardian" said across the join to the consents could use no index, and read
    every event and every consent (docs/consents.md, "Indexes")."""
    given_as_guardian = list(Consent.objects.filter(guardian=subject).values_list("pk", flat=True))
    return (
        ConsentEvent.objects.filter(Q(subject=subject) | Q(consent__in=given_as_guardian))
        .select_related("consent__purpose", "consent__notice", "consent__subject", "representative")
        .annotate(guardian_ref=guardian_who_acted())
        .order_by("-at")
    )


def withdrawal_representative(consent_ids) -> Representative | None:
    """The customer's representative on record who asked for the withdrawal of these consents (a "withdraw
    all" is one act, asked by one person), None when the customer asked themselves."""
    event = (
        ConsentEvent.objects.filter(
            consent_id__in=consent_ids, kind=ConsentEvent.Kind.WITHDRAWN, representative__isnull=False
        )
        .select_related("representative")
        .first()
    )
    return event.representative if event is not None else None


def guardian_who_acted() -> Case:
    """An event's `guardian_ref` (`consent_timeline`): the CIF of the guardian who gave the answer (a
    grant, a refusal), and of a later event only of the guardian who did it through their own login;
    None otherwise."""
    return Case(
        When(
            Q(kind__in=(ConsentStatus.GRANTED, ConsentStatus.REFUSED))
            | Q(actor_user__customer_account__subject_id=F("consent__guardian_id")),
            then=F("consent__guardian__external_ref"),
        ),
        default=None,
    )


def consent_history_of(subject) -> list[ConsentEvent]:
    """What a customer is given of consents in an answer to their access or copy request, the oldest
    first: every event of their own consents, and of the consents they gave as a child's guardian, what
    happened while they were the guardian. A former guardian (another guardian named, the child's 16th
    birthday: `guardianships_ended`) keeps the consents they gave and what happened to them until then,
    not the child's later history (docs/requests.md); with no end on record, only the grants they gave.
    Each event with its consent, purpose, notice, the consent's subject and the acting customer's account
    (who recorded it), read in the same query."""
    events = list(
        consent_timeline(subject).select_related("actor_user__customer_account").order_by("at", "kind")
    )
    wards = {e.consent.subject_id: e.consent.subject for e in events if e.consent.subject_id != subject.pk}
    ended = guardianships_ended(subject, wards.values()) if wards else {}

    def shown(event: ConsentEvent) -> bool:
        ward = event.consent.subject_id
        if ward not in ended:
            return True
        end = ended[ward]
        return event.at <= event.consent.granted_at or (end is not None and event.at < end)

    return [event for event in events if shown(event)]


def consent_timeline_head(subject, limit: int) -> tuple[list[ConsentEvent], int]:
    """The latest `limit` events of `consent_timeline` and how many there are in all."""
    return head_and_total(consent_timeline(subject), limit)


def consent_states_for_subject(subject) -> dict[int, ConsentState]:
    """The customer's current answer per purpose id, with the consent, its notice version and its
    purpose joined: pages list them all, so nothing may be read per purpose."""
    return consent_states_of([subject]).get(subject.pk, {})


def consent_states_of(subjects: Sequence[DataSubject]) -> dict[uuid.UUID, dict[int, ConsentState]]:
    """`consent_states_for_subject` of each of these customers, read in one query; each state's notice
    version without its texts (the pages show the version, and the texts of the one in force)."""
    states: dict[uuid.UUID, dict[int, ConsentState]] = defaultdict(dict)
    rows = (
        ConsentState.objects.filter(subject__in=subjects)
        .select_related("consent", "notice", "purpose")
        .defer(*(f"notice__{text}" for text in NOTICE_TEXTS))
    )
    for state in rows:
        states[state.subject_id][state.purpose_id] = state
    return dict(states)


def restrictions_in_force(subject) -> QuerySet[ProcessingRestriction]:
    return restrictions_in_force_of([subject])


def restrictions_in_force_of(subjects) -> QuerySet[ProcessingRestriction]:
    """The restrictions in force of any of these customers (or their ids), read in one query."""
    return ProcessingRestriction.objects.filter(subject__in=subjects, lifted_at__isnull=True).select_related(
        "purpose"
    )


def restrictions_in_force_at(subject_id, at: datetime) -> QuerySet[ProcessingRestriction]:
    """The customer's restrictions in force at a past moment: started by `at`, not lifted by then."""
    return ProcessingRestriction.objects.filter(subject_id=subject_id, started_at__lte=at).filter(
        Q(lifted_at__isnull=True) | Q(lifted_at__gt=at)
    )


def consent_imports() -> QuerySet[ConsentImport]:
    """CSV imports of consents, the latest first, with their background jobs."""
    return ConsentImport.objects.select_related("job").order_by("-started_at", "-pk")


def consent_import_by_job(job_id) -> ConsentImport | None:
    return consent_imports().filter(job_id=job_id).first()


def answer_moment(path: str = "") -> Case:
    """When a consent record last answered for its customer: its grant, or the withdrawal, refusal or
    expiry that ended it; an expiry when the term ended, which the hourly sweep records after the fact
    (`path`: the way to the record, "consent__" from a state row)."""
    return Case(
        When(**{f"{path}status": ConsentStatus.EXPIRED}, then=F(f"{path}expires_at")),
        default=Coalesce(f"{path}ended_at", f"{path}granted_at"),
    )


def consent_last_answer_at(*, subject_id, purpose_id) -> datetime | None:
    """When the customer last answered for the purpose (`answer_moment`), None if never. A record voided
    as made in error was never the customer's answer."""
    return (
        Consent.objects.filter(subject_id=subject_id, purpose_id=purpose_id)
        .exclude(status=ConsentStatus.VOIDED)
        .aggregate(last=Max(answer_moment()))["last"]
    )


def consent_last_event_at(consent_id) -> datetime | None:
    """When the consent's history last moved (its grant, a pause, a resumption...), None if never."""
    return ConsentEvent.objects.filter(consent_id=consent_id).aggregate(last=Max("at"))["last"]
