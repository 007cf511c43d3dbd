"""Telling a breach's affected customers, or recording why they are not told: the DPO's decision
and the mailing, a background job that queues the messages chunk by chunk.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, required_text
from core.labels import in_language
from integrations.jobs import (
    SLICE_SECONDS,
    job_cancel_requested,
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
from integrations.links import absolute_urls_by_language
from integrations.models import BackgroundJob
from integrations.states import JOB_MACHINE, JobStatus
from notifications.services import notify_many
from regulator import tasks
from regulator.models import Breach, CustomerNotice
from regulator.organisation import organisation
from regulator.selectors import breach_affected_subjects, breach_customers_mailing_began
from regulator.services._lookup import breach_for_update

CUSTOMER_TOPIC = "regulator.breach.customer_notice"
CUSTOMER_TEMPLATE = "regulator/email/breach_customer"
# Customers read, and their e-mails queued, per chunk: memory and round trips stay bounded whether
# the breach touches ten customers or the whole bank (a non-consent purpose: every customer).
CUSTOMER_CHUNK = 2000
# The Celery task that carries a breach mailing job on; also the job's `kind`.
CUSTOMERS_TASK = "regulator.notify_breach_customers"


def breach_customers_not_notify(
    *, actor: Actor, breach_id, reason: str, now: datetime | None = None
) -> Breach:
    """The DPO decides the affected customers are not told, with the reason on record (the
    authority may ask why)."""
    now = now or timezone.now()
    reason = required_text(
        reason, field="reason", message=_("Say why the customers are not told; the reason is kept.")
    )
    with transaction.atomic(durable=True):
        breach = breach_for_update(breach_id)
        if breach.customers_notified_at is not None:
            raise Conflict(_("The customers have already been told."), code="customers_already_told")
        if breach_customers_mailing_began(breach):
            raise Conflict(
                _(
                    "The mailing to the affected customers has begun: a decision not to tell them can "
                    "no longer be recorded."
                ),
                code="customers_mailing_started",
            )
        _decide_customer_notice(breach, CustomerNotice.NOT_NOTIFY, reason=reason[:2000], actor=actor, now=now)
        audit_record(
            action="regulator.breach.customers_not_notified",
            actor=actor,
            target=breach,
            now=now,
            data={"reference": breach.reference},
        )
    return breach


def _decide_customer_notice(
    breach: Breach, decision: str, *, reason: str, actor: Actor, now: datetime
) -> None:
    breach.customer_notice_decision = decision
    breach.customer_notice_reason = reason
    breach.customer_notice_decided_at = now
    breach.customer_notice_decided_by_label = actor.label[:150]
    breach.save(
        update_fields=[
            "customer_notice_decision",
            "customer_notice_reason",
            "customer_notice_decided_at",
            "customer_notice_decided_by_label",
        ]
    )


def notice_context(breach: Breach) -> Callable[[str], dict[str, Any]]:
    """The message's context in each customer's language: the data concerned by the names they read
    (English when the category has one), the likely consequences and the measures in English when the
    DPO wrote them in English too. The `link` leads to the customer's inbox, where every notice
    sent to them reads in full, SMS ones included; an SMS carries the subject line and, instead of the
    link, the sentence saying where to read it once signed in (`integrations.delivery.render_sms`).
    `dpo_contact` is whom to ask about their data: the DPO's e-mail and phone, as filed with A05."""
    names = list(breach.categories.values_list("name_vi", "name_en"))
    inbox = absolute_urls_by_language("notifications:me_inbox")
    org = organisation()
    facts = {
        "dpo_contact": ", ".join(value for value in (org["dpo_email"], org["dpo_phone"]) if value),
        "reference": breach.reference,
        "detected_at": breach.detected_at.isoformat(),
    }

    def context_in(language: str) -> dict[str, Any]:
        return {
            **facts,
            "link": inbox[language],
            "likely_consequences": in_language(
                breach.likely_consequences, breach.likely_consequences_en, language=language
            ),
            "measures_taken": in_language(breach.measures_taken, breach.measures_taken_en, language=language),
            "what_happened": in_language(
                breach.customer_description, breach.customer_description_en, language=language
            ),
            "categories": sorted(in_language(vi, en, language=language) for vi, en in names),
        }

    return context_in


def breach_customers_notify_start(
    *, actor: Actor, breach_id, user: Any = None, now: datetime | None = None, dispatch: bool = True
) -> BackgroundJob:
    """The DPO decides to tell the affected customers; the mailing runs as a background job (#17).

    The decision, the queued job and its audit entries commit together; the worker is asked on commit
    (a broker outage leaves the job queued for the stale-job sweep). While a mailing for this breach
    is still live, pressing again returns that job instead of starting a second one.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        breach = breach_for_update(breach_id)
        if breach.customer_notice_decision == CustomerNotice.NOT_NOTIFY:
            raise Conflict(
                _("It was decided not to tell the customers, with a reason on record."),
                code="customers_not_to_be_told",
            )
        live = breach.customers_job
        if live is not None and live.status in JOB_MACHINE.live:
            return live
        if not breach.customer_description.strip():
            raise Conflict(
                _("Write what happened for the customers before telling them."),
                code="customer_description_missing",
            )
        if breach.customer_notice_decision != CustomerNotice.NOTIFY:  # a later press decides nothing new
            _decide_customer_notice(breach, CustomerNotice.NOTIFY, reason="", actor=actor, now=now)
        job = job_create(actor=actor, user=user, kind=CUSTOMERS_TASK, filename=breach.reference, now=now)
        breach.customers_job = job
        breach.save(update_fields=["customers_job"])
        if dispatch:
            job_dispatch_on_commit(tasks.notify_breach_customers, job)
    return job


def breach_customers_notify_run(
    *, job_id, chunk_size: int | None = None, budget_seconds: float = SLICE_SECONDS,
    now: datetime | None = None,
) -> BackgroundJob | None:
    """The worker's part: tell the breach's affected customers chunk by chunk, by id from the last one told.

    Each chunk queues its messages (`notify_many`) and moves the job's cursor in one transaction, so a
    worker killed mid-chunk loses that chunk only and the next worker starts after the cursor; the
    notifier's dedupe keys (`breach:<id>:<customer>`) are the second guard, so nobody is told twice.
    Stops between chunks when cancelled, hands over to a fresh task after `budget_seconds`. Returns
    None when there was nothing to do (another worker holds the job, or it ended).
    """
    size = chunk_size or CUSTOMER_CHUNK
    system = Actor.system("breach-mailing")
    job = job_claim(job_id=job_id, actor=system, now=now)
    if job is None:
        return None
    breach = Breach.objects.get(customers_job=job)
    actor = job_starter(job, otherwise=system)
    if job.status == JobStatus.CANCELLING:
        return _mailing_end(job, breach, actor=actor, to=JobStatus.CANCELLED, now=now)
    subjects = breach_affected_subjects(breach).order_by("pk")
    if job.rows_total is None:
        job_set_total(job_id=job.pk, total=subjects.count())
    context = notice_context(breach)
    started = time_module.monotonic()
    while True:
        if job_cancel_requested(job.pk):
            return _mailing_end(job, breach, actor=actor, to=JobStatus.CANCELLED, now=now)
        if time_module.monotonic() - started > budget_seconds:
            job_handover(job_id=job.pk)
            return job
        cursor, progress = job.cursor, job_checkpoint_noted(job)
        # From the last customer told, by id, not by position: one leaving the list meanwhile (a consent
        # voided as recorded in error) must not shift the next chunk past someone never told.
        remaining = subjects if "after" not in progress else subjects.filter(pk__gt=progress["after"])
        chunk = list(remaining.only("pk", "email", "phone", "preferred_language")[:size])
        if not chunk:
            return _mailing_end(job, breach, actor=actor, to=JobStatus.DONE, now=now)
        with transaction.atomic(durable=True):
            queued = notify_many(
                chunk, template=CUSTOMER_TEMPLATE, context=context, topic=CUSTOMER_TOPIC,
                dedupe_prefix=breach.customer_notice_key, now=now or timezone.now(),
            )
            moved = job_checkpoint(
                job, expected_cursor=cursor, cursor=cursor + len(chunk), done=job.rows_done + len(chunk),
                refused=0,
                report=[{"queued": progress.get("queued", 0) + queued, "after": str(chunk[-1].pk)}],
                now=now or timezone.now(),
            )
            if not moved:  # another worker took the job over meanwhile: leave the chunk to it
                transaction.set_rollback(True)
                return None


def _mailing_end(
    job: BackgroundJob, breach: Breach, *, actor: Actor, to: str, now: datetime | None
) -> BackgroundJob:
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job.pk)
        breach = breach_for_update(breach.pk)
        # Each customer is told once, by whichever mailing reached them first: a mailing adds the notices
        # it created, not the rows it went through (a later one, stopped early or reaching customers found
        # since, goes through customers told already and some new ones).
        queued = job_checkpoint_noted(job).get("queued", 0)
        breach.customers_notified += queued
        fields = ["customers_notified"]
        if to == JobStatus.DONE:
            # When they were told is the first mailing's end: a later one (pressed again, or reaching
            # customers found since) must not date the notice after it went.
            if breach.customers_notified_at is None:
                breach.customers_notified_at = now
                fields.append("customers_notified_at")
            audit_record(
                action="regulator.breach.customers_notified", actor=actor, target=breach, now=now,
                data={"reference": breach.reference, "messages": job.rows_done, "queued": queued},
            )
        breach.save(update_fields=fields)
        return job_move(job, to=to, actor=Actor.system("breach-mailing"), now=now)


def breach_customers_notify(
    *, actor: Actor, breach_id, user: Any = None, now: datetime | None = None
) -> Breach:
    """The DPO decides to tell the affected customers, whatever data leaked (an identity/KYC leak as
    much as a financial one), and they are told through every channel the bank has for them: e-mail
    on their preferred channels through the notifier (e-mail, SMS, the in-app inbox as the last resort).
    Each customer is told once per breach (the notifier dedupes): pressing it again queues nothing new.
    `customers_notified` counts the customers told.

    In the caller's process, start to end (the API's `?wait=true`, scripts, tests); the portal and the
    API start the same job on a worker with `breach_customers_notify_start`."""
    job = breach_customers_notify_start(actor=actor, breach_id=breach_id, user=user, now=now, dispatch=False)
    while job is not None and job.status in JOB_MACHINE.live:
        job = breach_customers_notify_run(job_id=job.pk, budget_seconds=float("inf"), now=now)
    return Breach.objects.get(pk=breach_id)
