"""Telling recipients to stop when the bank itself ends what a consent let them do: a new version of a
consented purpose that no longer names them (a narrowing, at once or when the job applies it), or the
purpose retired from the catalogue. The customers' consents stand (they withdraw them as ever), but the
recipients who received data under them must stop, and confirm it, exactly as after a withdrawal (domain
notes: the bank makes recipients and processors stop, keeping their acknowledgements): one duty per live
consent and recipient, its signed notice on the withdrawal's topic with its `cause`, due by the bank's
committed deadline from the moment the change took effect. The customer (or the guardian acting for
them, as for the platform's own stops: `stop_notices.family_readers`) is told once per change which
recipients must stop and why, and sees them on their consents page.

The change itself only records what must stop (`PurposeChangeStops`), its audit entry and a queued
job, in the DPO's save or the version job's transaction: a bank's marketing purpose has hundreds of
thousands of live consents, too many for one request and one transaction. The job opens the duties in
bounded batches by consent id, each batch with its audit entries and the job's cursor in one transaction;
a recipient already told to stop under a consent by a purpose change is never told again, so a re-run or
a batch retried opens nothing twice. A recipient told to stop stays stopped for that consent: switching a
retired purpose back on, or naming the recipient again, needs a fresh consent to reach it."""

from __future__ import annotations

import time as time_module
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.languages import language_for_subject
from audit.services import audit_record
from consents import tasks
from consents.models import Consent, ConsentStatus, Purpose, PurposeChangeStops, Recipient, WithdrawalDuty
from consents.selectors.withdrawals import (
    CAUSE_PURPOSE_RETIRED,
    CAUSE_PURPOSE_WIDENED,
    CAUSE_RECIPIENT_REMOVED,
    purpose_change_recipients,
    purpose_change_source,
)
from consents.services.duty_opening import duty_open, recipients_audience
from consents.services.stop_notices import family_readers
from core.actors import Actor
from core.labels import in_language
from deadlines.history import policies_as_of
from deadlines.policy import due_at_for
from integrations.jobs import (
    SLICE_SECONDS,
    job_checkpoint,
    job_checkpoint_noted,
    job_claim,
    job_create,
    job_dispatch_on_commit,
    job_handover,
    job_lock,
    job_move,
    job_set_total,
    job_starter,
)
from integrations.links import absolute_url_in
from integrations.models import BackgroundJob
from integrations.states import JOB_MACHINE, JobStatus
from notifications.services import notify
from subjects.locks import subjects_locked

# The topic every stop shares (`consents.services.duties.WITHDRAWAL_NOTICE_TOPIC`): receivers already
# subscribe to it; `cause` says the bank changed the purpose.
STOP_TOPIC = "consent.withdrawn"
__all__ = [
    "CAUSE_PURPOSE_RETIRED", "CAUSE_PURPOSE_WIDENED", "CAUSE_RECIPIENT_REMOVED", "CUSTOMER_TOPIC",
    "scope_stops_open", "scope_stops_run", "scope_stops_run_queued",
]
CUSTOMER_TEMPLATE = "consents/email/purpose_change_stop"
CUSTOMER_TOPIC = "consents.customer.purpose_change_stop"
# Consents read, and their duties opened, per transaction: each batch's locks, audit entries and messages
# stay bounded whatever the purpose's reach.
CONSENT_BATCH = 500
# The Celery task that carries the job on; also the job's `kind`.
STOPS_TASK = "consents.open_scope_stops"


def scope_stops_open(
    *, actor: Actor, purpose: Purpose, recipients: Iterable[Recipient], cause: str, now: datetime,
    effective_at: datetime | None = None,
) -> PurposeChangeStops | None:
    """In the transaction of the change (before the purpose's recipients change): record that
    `recipients` must stop under the live consents to `purpose` (the change took effect at
    `effective_at`, by default `now`), with its audit entry and the queued job that opens their duties
    (`scope_stops_run`), dispatched on commit. None when nobody must stop."""
    removed = list(recipients)
    if not removed or not purpose.consent_based:
        return None
    effective_at = effective_at or now
    with transaction.atomic(savepoint=False):
        job = job_create(actor=actor, kind=STOPS_TASK, filename=purpose.code, now=now)
        change = PurposeChangeStops.objects.create(
            purpose=purpose, cause=cause, effective_at=effective_at, job=job
        )
        change.recipients.set(removed)
        audit_record(
            action="consents.purpose.stops_queued",
            actor=actor,
            target=purpose,
            now=now,
            data={"recipients": [r.pk for r in removed], "cause": cause,
                  "effective_at": effective_at.isoformat(), "job": str(job.pk)},
        )
        job_dispatch_on_commit(tasks.open_scope_stops, job)
    return change


def scope_stops_run(
    *, job_id, batch_size: int | None = None, budget_seconds: float = SLICE_SECONDS,
    now: datetime | None = None,
) -> BackgroundJob | None:
    """The worker's part: open the change's duties batch by batch, by consent id from the last batch
    committed (`job.report`), each batch with its audit entries and the job's cursor in one transaction.
    Hands over to a fresh task once a batch ends past `budget_seconds`. Returns None when there was
    nothing to do (another worker holds the job, or it ended)."""
    size = batch_size or CONSENT_BATCH
    system = Actor.system("purpose-change-stops")
    job = job_claim(job_id=job_id, actor=system, now=now)
    if job is None:
        return None
    change = PurposeChangeStops.objects.select_related("purpose").get(job=job)
    actor = job_starter(job, otherwise=system)
    removed = list(change.recipients.select_related("endpoint").order_by("pk"))
    live = _consents_reached(change)
    if job.rows_total is None:
        job_set_total(job_id=job.pk, total=live.count())
    started = time_module.monotonic()
    while True:
        cursor, progress = job.cursor, job_checkpoint_noted(job)
        remaining = live if "after" not in progress else live.filter(pk__gt=progress["after"])
        batch = list(remaining.values_list("pk", flat=True)[:size])
        if not batch:
            with transaction.atomic(durable=True):
                return job_move(job_lock(job.pk), to=JobStatus.DONE, actor=system, now=now or timezone.now())
        with transaction.atomic(durable=True):
            opened = _batch_open(change, removed, batch, actor=actor, now=now or timezone.now())
            moved = job_checkpoint(
                job, expected_cursor=cursor, cursor=cursor + len(batch), done=job.rows_done + len(batch),
                refused=0, report=[{"after": str(batch[-1]), "opened": progress.get("opened", 0) + opened}],
                now=now or timezone.now(),
            )
            if not moved:  # another worker took the job over meanwhile: leave the batch to it
                transaction.set_rollback(True)
                return None
        # Checked after a batch, so every slice moves the cursor however short its budget.
        if time_module.monotonic() - started > budget_seconds:
            job_handover(job_id=job.pk)
            return job


def scope_stops_run_queued(*, batch_size: int | None = None, now: datetime | None = None) -> int:
    """Run every queued change's job to its end in the caller's process (scripts, tests); returns how
    many jobs ran."""
    ran = 0
    queued = BackgroundJob.objects.filter(kind=STOPS_TASK, status=JobStatus.QUEUED)
    for job_id in queued.order_by("created_at", "pk").values_list("pk", flat=True):
        job = scope_stops_run(job_id=job_id, batch_size=batch_size, budget_seconds=float("inf"), now=now)
        while job is not None and job.status in JOB_MACHINE.live:
            job = scope_stops_run(job_id=job_id, batch_size=batch_size, budget_seconds=float("inf"), now=now)
        ran += 1
    return ran


def _consents_reached(change: PurposeChangeStops) -> QuerySet[Consent]:
    """The live consents whose recipients the change stops, by id. A widening reaches only those given to
    a version older than it: a consent given to it (or a later one) covers what the bank now does."""
    live = Consent.objects.filter(purpose=change.purpose_id, status=ConsentStatus.GRANTED)
    if change.cause == CAUSE_PURPOSE_WIDENED:
        live = live.filter(notice__effective_at__lt=change.effective_at)
    return live.order_by("pk")


def _batch_open(
    change: PurposeChangeStops, removed: list[Recipient], batch: list, *, actor: Actor, now: datetime
) -> int:
    """Open the stops of one batch of consents, their customers locked first (the one lock order); a
    consent withdrawn since it was read is left (its withdrawal told its recipients), and a recipient
    already told to stop under a consent by a purpose change is not told twice. Returns the duties opened."""
    purpose, cause, effective_at = change.purpose, change.cause, change.effective_at
    consents = Consent.objects.filter(pk__in=batch, status=ConsentStatus.GRANTED)
    list(subjects_locked(pk__in=consents.values("subject_id")))
    already = set(
        WithdrawalDuty.objects.filter(consent_id__in=batch, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE)
        .values_list("consent_id", "recipient_id")
    )
    source = purpose_change_source(cause, purpose.code)
    # Every stop of the change runs from when it took effect, by the promise then in force: one deadline.
    due_at = due_at_for(request_type="withdraw", received_at=effective_at, processor_involved=True,
                        policies=policies_as_of("withdraw", effective_at))
    opened = 0
    for consent in consents.select_related("subject", "purpose").order_by("pk"):
        told = [
            r for r in purpose_change_recipients(consent, removed) if (consent.pk, r.pk) not in already
        ]
        if not told:
            continue
        audience = recipients_audience(told)
        notice = {
            "purpose": purpose.code, "cause": cause, "withdrawn_at": effective_at.isoformat(),
            "stop_processing_by": due_at.isoformat(),
        }
        duties = [
            duty_open(
                consent=consent, recipient=recipient, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE,
                audience=audience, received_at=effective_at, due_at=due_at, topic=STOP_TOPIC, now=now,
                notice=notice, source=source,
            )
            for recipient in told
        ]
        opened += len(duties)
        readers = _customer_told(consent, told, cause=cause, key=str(duties[-1].pk), now=now)
        audit_record(
            action="consents.duty.purpose_change_opened",
            actor=actor,
            subject=consent.subject_id,
            target=consent,
            now=now,
            data={"recipients": [r.pk for r in told], "due_at": due_at.isoformat(), "cause": cause,
                  "customer_told": readers},
        )
    return opened


def _customer_told(consent: Consent, told: list[Recipient], *, cause: str, key: str, now: datetime) -> int:
    """Queue the message telling the customer (or the guardian acting for them) that these recipients
    must stop using their data for the consent's purpose, and why; once per change (`key`: a duty it
    opened). Returns how many were queued."""
    subject = consent.subject
    readers = family_readers(subject, on=timezone.localdate(now))
    for reader in readers:
        language = language_for_subject(reader)
        notify(
            subject=reader,
            template=CUSTOMER_TEMPLATE,
            topic=CUSTOMER_TOPIC,
            dedupe_key=f"consents.purpose_change_stop:{key}:{reader.pk}",
            now=now,
            context={
                "purpose": in_language(consent.purpose.name_vi, consent.purpose.name_en, language=language),
                "recipients": [in_language(r.name, r.name_en, language=language) for r in told],
                "retired": cause == CAUSE_PURPOSE_RETIRED,
                "widened": cause == CAUSE_PURPOSE_WIDENED,
                "to_guardian": reader.pk != subject.pk,
                "child_name": subject.full_name,
                "link": absolute_url_in(language, "consents:me_consents"),
            },
        )
    return len(readers)
