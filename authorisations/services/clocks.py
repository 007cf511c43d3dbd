"""The clocks of authorisations: expiry at the end of the term, the notice 7 days before it, and
the summary of active authorisations every 90 days. Set-based, bounded and idempotent: each guard is
re-checked under the row lock, so a second run changes nothing."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from audit.services import audit_record, audit_record_many
from authorisations.models import Authorisation, SummaryNotice, ThirdParty
from authorisations.notices import notify_expiring, notify_summary
from authorisations.services.moves import move_to_end_many
from authorisations.states import (
    AUTHORISATION_MACHINE,
    EXPIRY_NOTICE_BEFORE,
    SUMMARY_EVERY,
    AuthorisationStatus,
)
from core.actors import Actor
from subjects.locks import of_customers_locked, subjects_lock
from subjects.models import DataSubject

S = AuthorisationStatus
BATCH = 500
SYSTEM = Actor.system("authorisations.clocks")
UNREAD_SUBJECT_FIELDS = ("full_name", "national_id", "passport_number", "date_of_birth", "address")


def authorisations_expire_due(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Expire live authorisations whose term has ended; returns how many (a full batch: run again).

    One transaction for the batch: the due rows are locked on the due index, their customers first
    (rows or customers another worker holds are skipped, not waited for), status and term re-checked
    in the same statement, and all of them ended together (`move_to_end_many`): the same result as
    one `authorisation_transition()` each."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        ended = Authorisation.objects.filter(status__in=AUTHORISATION_MACHINE.live, expires_at__lte=now)
        # A request's objection or withdrawal holds its customer and writes its entries before it
        # locks that customer's authorisations, which this sweep must not hold while it waits for the head.
        (ended_of_held,) = of_customers_locked(
            ended.order_by("expires_at"), customer="subject_id", limit=limit
        )
        due = list(
            ended_of_held.select_for_update(skip_locked=True)
            .order_by("expires_at")[:limit]
        )
        _attach_parties(due)
        move_to_end_many(due, to=S.EXPIRED, actor=SYSTEM, now=now)
    return len(due)


def _attach_parties(authorisations: list[Authorisation]) -> None:
    """Load each third party (with its OAuth client and webhook) and each customer of the batch once,
    not once per row: a batch holds a few third parties, and a customer's record costs a decryption
    per field. An expiry reads the customer's CIF and what the notifier needs (e-mail, phone,
    language), so the rest of their record is not read at all."""
    third_parties = ThirdParty.objects.select_related("application", "webhook").in_bulk(
        {a.third_party_id for a in authorisations}
    )
    subjects = DataSubject.objects.defer(*UNREAD_SUBJECT_FIELDS).in_bulk(
        {a.subject_id for a in authorisations}
    )
    for authorisation in authorisations:
        authorisation.third_party = third_parties[authorisation.third_party_id]
        authorisation.subject = subjects[authorisation.subject_id]


def authorisations_notify_expiring(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Tell customers 7 days ahead that an authorisation ends (once per authorisation), each message
    audited on the customer's trail in the transaction that queues it and marks it sent.

    The audit entries hold the chain's head, so the customers are locked first, as the expiry sweep
    locks them (`of_customers_locked`): one another writer holds is left for the next run."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        expiring = Authorisation.objects.filter(
            status__in=AUTHORISATION_MACHINE.live,
            expiry_notice_sent_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + EXPIRY_NOTICE_BEFORE,
        )
        (expiring_of_held,) = of_customers_locked(
            expiring.order_by("expires_at"), customer="subject_id", limit=limit
        )
        due = list(
            expiring_of_held.select_for_update(of=("self",), skip_locked=True)
            .select_related("third_party", "subject")
            .order_by("expires_at")[:limit]
        )
        sent = [(authorisation, notify_expiring(authorisation, now=now)) for authorisation in due]
        Authorisation.objects.filter(pk__in=[a.pk for a in due], expiry_notice_sent_at__isnull=True).update(
            expiry_notice_sent_at=now
        )
        audit_record_many(
            [
                {
                    "action": "authorisations.authorisation.expiry_notice_sent",
                    "actor": SYSTEM,
                    "subject": authorisation.subject_id,
                    "target": authorisation,
                    "now": now,
                    "data": {
                        "third_party": str(authorisation.third_party_id),
                        "expires_at": authorisation.expires_at.isoformat(),
                        "notification": str(notification.pk),
                    },
                }
                for authorisation, notification in sent
            ]
        )
    return len(due)


def _summaries_due(*, now: datetime, cutoff: datetime):
    """The customers due a summary, by id: their first active authorisation began by `cutoff` and no
    summary went to them since. Chosen in the database, a batch at a time (the job's `limit`): read into
    the process whole, the customers of every third party and their summaries came back for each batch."""
    told_since = SummaryNotice.objects.filter(subject_id=OuterRef("subject_id"), last_sent_at__gt=cutoff)
    return (
        Authorisation.objects.in_status_at(S.ACTIVE, now)
        .filter(~Exists(told_since))
        .values("subject_id")
        .annotate(first=Min("starts_at"))
        .filter(first__lte=cutoff)
        .order_by("subject_id")
        .values_list("subject_id", flat=True)
    )


def authorisations_send_summaries(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Send each customer with active authorisations their summary, 90 days after the first of them
    began and every 90 days since the last summary."""
    now = now or timezone.now()
    cutoff = now - SUMMARY_EVERY
    subject_ids = list(_summaries_due(now=now, cutoff=cutoff)[:limit])
    for subject_id in subject_ids:
        with transaction.atomic(durable=True):
            # The one lock order: the customer, then what is written about them, then the audit entry.
            subjects_lock([subject_id])
            notice, created = SummaryNotice.objects.select_for_update().get_or_create(
                subject_id=subject_id, defaults={"last_sent_at": now}
            )
            if not created and notice.last_sent_at > cutoff:
                continue
            active = list(
                Authorisation.objects.select_related("third_party")
                .in_status_at(S.ACTIVE, now)
                .filter(subject_id=subject_id)
                .order_by("expires_at")
            )
            notification = notify_summary(DataSubject.objects.get(pk=subject_id), active, now=now)
            SummaryNotice.objects.filter(pk=notice.pk).update(last_sent_at=now)
            audit_record(
                action="authorisations.summary.sent",
                actor=SYSTEM,
                subject=subject_id,
                target=notice,
                now=now,
                data={"authorisations": len(active), "notification": str(notification.pk)},
            )
    return len(subject_ids)
