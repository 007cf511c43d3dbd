"""The breach register: record a breach, notify the authority in phases, tell affected customers.

The 72-hour clock comes from the deadline policy (request type `breach_notification`); reminders and
the breach-of-deadline mark come from the shared deadline machinery (`core.clocks`) through the
regulator's clock source (`regulator.clock_sources`).
"""

from __future__ import annotations

import time as time_module
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from audit.transitions import Transition
from core.actors import Actor, actor_for_user
from core.errors import Conflict, InvalidInput, NotFound
from deadlines.policy import deadlines_for
from dsr.models import DataCategory, System
from integrations.jobs import (
    SLICE_SECONDS,
    job_checkpoint,
    job_claim,
    job_create,
    job_dispatch_on_commit,
    job_handover,
    job_lock,
    job_move,
    job_set_total,
)
from integrations.models import BackgroundJob
from integrations.states import JOB_MACHINE, JobStatus
from notifications.services import notify_many
from regulator import tasks
from regulator.documents import form08
from regulator.models import (
    Breach,
    BreachNotification,
    BreachStatus,
    BreachStatusChange,
    CustomerNotice,
)
from regulator.policy import BREACH_NOTIFICATION
from regulator.selectors import breach_affected_subjects, breach_needs_customer_notice
from regulator.services._lookup import codes_lookup
from regulator.states import BREACH_MACHINE

_TEXT_FIELDS = ("title", "description", "measures_taken", "likely_consequences")
_COUNT_FIELDS = ("subjects_affected", "records_affected")
CUSTOMER_TOPIC = "regulator.breach.customer_notice"
CUSTOMER_TEMPLATE = "regulator/email/breach_customer"
# Customers read, and their e-mails queued, per chunk: memory and round trips stay bounded whether
# the breach touches ten customers or the whole bank (a non-consent purpose: every customer).
CUSTOMER_CHUNK = 2000
# The Celery task that carries a breach mailing job on; also the job's `kind`.
CUSTOMERS_TASK = "regulator.notify_breach_customers"


def _clean(fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in fields:
            clean[name] = (fields[name] or "").strip()
    for name in ("title", "description"):
        if (not partial or name in clean) and not clean.get(name):
            raise InvalidInput(_("This field is required."), field=name)
    if len(clean.get("title", "")) > 200:
        raise InvalidInput(_("Keep the title under 200 characters."), field="title")
    for name in _COUNT_FIELDS:
        if name in fields:
            try:
                value = int(fields[name] or 0)
            except (TypeError, ValueError):
                raise InvalidInput(_("Give a whole number."), field=name) from None
            if value < 0:
                raise InvalidInput(_("Give a whole number."), field=name)
            clean[name] = value
    return clean


def breach_record(
    *,
    actor: Actor,
    title: str,
    description: str,
    occurred_at: datetime,
    detected_at: datetime,
    systems: list[str],
    categories: list[str],
    subjects_affected: int = 0,
    records_affected: int = 0,
    measures_taken: str = "",
    likely_consequences: str = "",
    now: datetime | None = None,
) -> Breach:
    """Record a breach when detected; the notification deadline runs 72 hours from `detected_at`."""
    now = now or timezone.now()
    fields = _clean(
        {
            "title": title,
            "description": description,
            "measures_taken": measures_taken,
            "likely_consequences": likely_consequences,
            "subjects_affected": subjects_affected,
            "records_affected": records_affected,
        },
        partial=False,
    )
    if occurred_at is None or detected_at is None:
        raise InvalidInput(_("Give when the breach occurred and when it was detected."), field="detected_at")
    if detected_at < occurred_at:
        raise InvalidInput(_("A breach cannot be detected before it occurred."), field="detected_at")
    if detected_at > now:
        raise InvalidInput(_("The detection time cannot be in the future."), field="detected_at")
    system_rows = codes_lookup(System, systems, "systems")
    category_rows = codes_lookup(DataCategory, categories, "categories")
    if not system_rows:
        raise InvalidInput(_("Name at least one affected system."), field="systems")
    if not category_rows:
        raise InvalidInput(_("Name at least one affected data category."), field="categories")
    clocks = deadlines_for(request_type=BREACH_NOTIFICATION, received_at=detected_at)
    with transaction.atomic(durable=True):
        year = timezone.localtime(detected_at).year
        # A per-year sequence; breaches are rare and recorded by the DPO, and the unique reference
        # refuses the duplicate of a simultaneous second recording rather than numbering it twice.
        count = Breach.objects.filter(reference__startswith=f"BR-{year}-").count()
        breach = Breach.objects.create(
            reference=f"BR-{year}-{count + 1:04d}",
            occurred_at=occurred_at,
            detected_at=detected_at,
            notify_due_at=clocks.due_at,
            statutory_due_at=clocks.statutory_due_at,
            recorded_by_label=actor.label[:150],
            **fields,
        )
        breach.systems.set(system_rows)
        breach.categories.set(category_rows)
        audit_record(
            action="regulator.breach.recorded",
            actor=actor,
            target=breach,
            now=now,
            data={
                "reference": breach.reference,
                "systems": [s.code for s in system_rows],
                "categories": [c.code for c in category_rows],
                "subjects_affected": breach.subjects_affected,
                "notify_due_at": breach.notify_due_at.isoformat(),
            },
        )
    return breach


def _locked(breach_id) -> Breach:
    breach = Breach.objects.select_for_update().filter(pk=breach_id).first()
    if breach is None:
        raise NotFound(_("No breach with this id."))
    return breach


# The one mover of a breach: `Transition` checks `regulator.states.BREACH_MACHINE` (409 otherwise),
# saves the locked breach with a `BreachStatusChange` row and, when `audit_action` is given, the audit entry.
breach_transition = Transition(
    BREACH_MACHINE,
    BreachStatusChange,
    of="breach",
    refused=_("A breach in status “%(status)s” cannot move to “%(new)s”."),
)


def breach_update(
    *,
    actor: Actor,
    breach_id,
    changes: dict[str, Any],
    now: datetime | None = None,
) -> Breach:
    """Correct or complete the facts (e.g. counts known later); the next phase reports them.

    `changes` holds only what changes: texts, counts, and `systems` and `categories` as lists of codes."""
    now = now or timezone.now()
    fields = _clean({k: v for k, v in changes.items() if k in _TEXT_FIELDS + _COUNT_FIELDS}, partial=True)
    with transaction.atomic(durable=True):
        breach = _locked(breach_id)
        if breach.status in BREACH_MACHINE.terminal:
            raise Conflict(_("A closed breach cannot change."), code="breach_closed")
        changed = [name for name, value in fields.items() if getattr(breach, name) != value]
        for name in changed:
            setattr(breach, name, fields[name])
        if changed:
            breach.save(update_fields=changed)
        for name, model in (("systems", System), ("categories", DataCategory)):
            if changes.get(name) is not None:
                rows = codes_lookup(model, changes[name], name)
                related = getattr(breach, name)
                if set(related.values_list("pk", flat=True)) != {row.pk for row in rows}:
                    related.set(rows)
                    changed.append(name)
        if changed:
            audit_record(
                action="regulator.breach.updated",
                actor=actor,
                target=breach,
                now=now,
                data={"reference": breach.reference, "changed": sorted(changed)},
            )
    return breach


def phase_late(*, breach: Breach, initial: BreachNotification | None, at: datetime) -> bool:
    """Whether a notification phase submitted at `at` is late (Law 91/2025/QH15 Art. 23; Decree
    13/2023 Art. 23). The 72 hours bind the notification as a whole; when its content cannot all be
    given at once it may be given in phases, and the law sets no separate period for the later ones:

    * the initial phase (`initial` is None) is late when submitted after the deadline;
    * a follow-up completes the initial notification and shares its lateness: it is late exactly
      when the initial phase was late (it is then also after the deadline), and like the initial
      phase its Form 08 must say why;
    * a follow-up to an initial notification made in time is never late, however long the facts
      took to arrive.
    """
    if not breach.is_late(at):
        return False
    return initial is None or initial.late


def breach_notify(
    *,
    actor: Actor,
    breach_id,
    late_reason: str = "",
    new_facts: str = "",
    authority_reference: str = "",
    now: datetime | None = None,
) -> BreachNotification:
    """Submit the next phase of the notification to A05: the Form 08 document as of now.

    Phase 1 is the initial notification; later phases add facts that arrived after it (Law 91 Art. 23
    allows notifying in phases). A late phase (see `phase_late`) must say why: the initial one when
    sent after the 72 hours, and every follow-up of a late initial notification.
    """
    now = now or timezone.now()
    late_reason = (late_reason or "").strip()
    new_facts = (new_facts or "").strip()
    with transaction.atomic(durable=True):
        breach = _locked(breach_id)
        if breach.status in BREACH_MACHINE.terminal:
            raise Conflict(_("A closed breach cannot be notified again."), code="breach_closed")
        phases = list(breach.phases.order_by("phase"))
        phase = len(phases) + 1
        initial = phases[0] if phases else None
        kind = BreachNotification.Kind.INITIAL if initial is None else BreachNotification.Kind.FOLLOW_UP
        late = phase_late(breach=breach, initial=initial, at=now)
        if late and not late_reason:
            if initial is None:
                message = _("The 72 hours have passed: give the reason for the late notification.")
            else:
                message = _("The initial notification was late: give the reason for lateness again.")
            raise InvalidInput(message, field="late_reason")
        if initial is not None and not new_facts:
            raise InvalidInput(_("Say which facts this follow-up adds."), field="new_facts")
        customers = None
        if breach_needs_customer_notice(breach):
            customers = breach_affected_subjects(breach).count()
        # The phase as Form 08 states it is the phase as recorded.
        phase_facts = {
            "phase": phase,
            "kind": kind,
            "submitted_at": now,
            "late": late,
            "late_reason": late_reason if late else "",
            "new_facts": new_facts,
        }
        notification = BreachNotification.objects.create(
            breach=breach,
            authority_reference=(authority_reference or "").strip()[:100],
            document=form08(breach, earlier_phases=phases, customers_to_notify=customers, **phase_facts),
            submitted_by_label=actor.label[:150],
            **phase_facts,
        )
        if phase == 1:
            breach_transition(
                breach, actor=actor, to=BreachStatus.NOTIFIED, now=now, changes={"notified_at": now}
            )
        audit_record(
            action="regulator.breach.notified",
            actor=actor,
            target=breach,
            now=now,
            data={"reference": breach.reference, "phase": phase, "kind": kind, "late": late},
        )
    return notification


def breach_close(*, actor: Actor, breach_id, now: datetime | None = None) -> Breach:
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        breach = _locked(breach_id)
        breach_transition(
            breach,
            actor=actor,
            to=BreachStatus.CLOSED,
            now=now,
            changes={"closed_at": now},
            audit_action="regulator.breach.closed",
            data={"reference": breach.reference},
        )
    return breach


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def breach_customers_not_notify(
    *, actor: Actor, breach_id, reason: str, now: datetime | None = None
) -> Breach:
    """The DPO decides the affected customers are not told, with the reason on record (the
    authority may ask why)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the customers are not told; the reason is kept."), field="reason")
    with transaction.atomic(durable=True):
        breach = _locked(breach_id)
        if breach.customers_notified_at is not None:
            raise Conflict(_("The customers have already been told."), code="customers_already_told")
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


def _notice_context(breach: Breach) -> dict[str, Any]:
    return {
        "reference": breach.reference,
        "detected_at": breach.detected_at.isoformat(),
        "categories": sorted(breach.categories.values_list("name", flat=True)),
        "likely_consequences": breach.likely_consequences,
        "measures_taken": breach.measures_taken,
    }


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
        breach = _locked(breach_id)
        if breach.customer_notice_decision == CustomerNotice.NOT_NOTIFY:
            raise Conflict(
                _("It was decided not to tell the customers, with a reason on record."),
                code="customers_not_to_be_told",
            )
        live = breach.customers_job
        if live is not None and live.status in JOB_MACHINE.live:
            return live
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
    """The worker's part: tell the breach's affected customers chunk by chunk from the job's cursor.

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
    actor = actor_for_user(job.started_by) if job.started_by is not None else system
    if job.status == JobStatus.CANCELLING:
        return _mailing_end(job, breach, actor=actor, to=JobStatus.CANCELLED, now=now)
    subjects = breach_affected_subjects(breach).order_by("pk")
    if job.rows_total is None:
        job_set_total(job_id=job.pk, total=subjects.count())
    context = _notice_context(breach)
    started = time_module.monotonic()
    while True:
        if BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLING).exists():
            return _mailing_end(job, breach, actor=actor, to=JobStatus.CANCELLED, now=now)
        if time_module.monotonic() - started > budget_seconds:
            job_handover(job_id=job.pk)
            return job
        cursor = job.cursor
        chunk = list(subjects.only("pk", "email", "phone", "preferred_language")[cursor:cursor + size])
        if not chunk:
            return _mailing_end(job, breach, actor=actor, to=JobStatus.DONE, now=now)
        with transaction.atomic(durable=True):
            queued = notify_many(
                chunk, template=CUSTOMER_TEMPLATE, context=context, topic=CUSTOMER_TOPIC,
                dedupe_prefix=f"breach:{breach.pk}", now=now or timezone.now(),
            )
            moved = job_checkpoint(
                job, expected_cursor=cursor, cursor=cursor + len(chunk), done=job.rows_done + len(chunk),
                refused=0, report=[{"queued": _queued(job) + queued}], now=now or timezone.now(),
            )
            if not moved:  # another worker took the job over meanwhile: leave the chunk to it
                transaction.set_rollback(True)
                return None


def _queued(job: BackgroundJob) -> int:
    return int(job.report[0].get("queued", 0)) if job.report else 0


def _mailing_end(
    job: BackgroundJob, breach: Breach, *, actor: Actor, to: str, now: datetime | None
) -> BackgroundJob:
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        job = job_lock(job.pk)
        breach = _locked(breach.pk)
        breach.customers_notified = job.rows_done
        fields = ["customers_notified"]
        if to == JobStatus.DONE:
            breach.customers_notified_at = now
            fields.append("customers_notified_at")
            audit_record(
                action="regulator.breach.customers_notified", actor=actor, target=breach, now=now,
                data={"reference": breach.reference, "messages": job.rows_done, "queued": _queued(job)},
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
