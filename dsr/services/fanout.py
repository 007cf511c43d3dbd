"""Fan-out of a request into one task per system that acts on its type, and the webhook that tells
each system's integration client (also used when a legal hold ends)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from audit.services import audit_record
from core.actors import Actor
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest, FulfilmentTask, System
from dsr.selectors.deletions import dispute_keeps_customer_data
from dsr.selectors.inventory import systems_untasked
from dsr.services.base import clock_processor_involved, request_locked
from dsr.services.deletion import (
    deletion_instructions,
)
from dsr.states import WORKED_ON
from integrations.models import WebhookEndpoint
from integrations.outbox import outbox_enqueue_webhook
from subjects.models import DataSubject

# The webhook topics a system's integration client subscribes to: new work, and work called off.
TASK_TOPIC = "dsr.task.created"
TASK_CALLED_OFF_TOPIC = "dsr.task.called_off"


def tasks_fan_out(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> list[FulfilmentTask]:
    """Create the missing task for every active system that acts on this request's type (idempotent),
    and tell each system's integration client through its webhook (queued in this transaction). A
    deletion under a hold for a dispute gets none: no system is told to erase what the dispute needs;
    lifting the hold sends them (`dsr.services.disputes.dispute_hold_lift`)."""
    if request.type == RequestType.DELETE and dispute_keeps_customer_data(request.subject_id, now=now):
        return []
    with transaction.atomic(savepoint=False):
        created = [
            FulfilmentTask(
                request=request,
                system=s,
                created_at=now,
                instructions=deletion_instructions(request, s) if request.type == RequestType.DELETE else [],
            )
            for s in systems_untasked(request)
        ]
        FulfilmentTask.objects.bulk_create(created)
        if created:
            audit_record(
                action="dsr.task.created",
                actor=actor,
                subject=request.subject_id,
                target=request,
                data={"systems": [task.system.code for task in created]},
                now=now,
            )
            tasks_notify_clients(request, created, now=now)
            if any(task.system.is_processor for task in created):
                clock_processor_involved(request, actor=actor, now=now)
    return created


def system_reaches_open_requests(system: System, *, actor: Actor) -> int:
    """After the inventory adds a system or changes one, each verified request still being worked on
    that it acts on gets its task (its data must be corrected, erased or stopped too), and, when a
    processor or third party runs it, the law's longer period (`clock_processor_involved`): one
    request at a time, each in its own transaction with its customer and itself locked. Closed
    requests stay as they were answered. Returns how many requests it reached."""
    if not system.active:
        return 0
    # Only those it has something to do with: no task there yet, or a processor's clock not yet applied.
    tasks_there = FulfilmentTask.objects.filter(request=OuterRef("pk"), system=system, hold__isnull=True)
    untouched = ~Exists(tasks_there)
    pending = DataSubjectRequest.objects.filter(
        untouched | Q(processor_involved=False) if system.is_processor else untouched,
        status__in=WORKED_ON,
        identity_verified_at__isnull=False,
        type__in=system.request_types or [],
    ).values_list("pk", flat=True)
    reached = 0
    for request_id in list(pending):
        with transaction.atomic(durable=True):
            request, now = request_locked(request_id)
            if request.status not in WORKED_ON:
                continue
            tasks_fan_out(request, actor=actor, now=now)
            if system.is_processor and request.tasks.filter(system=system).exists():
                clock_processor_involved(request, actor=actor, now=now)
            reached += 1
    return reached


def tasks_notify_clients(
    request: DataSubjectRequest,
    tasks: list[FulfilmentTask],
    *,
    now: datetime,
    topic: str = TASK_TOPIC,
    extra: dict | None = None,
) -> None:
    """Queue, in the caller's transaction, a webhook about each task to its system's client: `topic`,
    with `extra` fields beside the task's own."""
    clients = {task.system.integration_client_id for task in tasks if task.system.integration_client_id}
    if not clients:
        return
    endpoints = WebhookEndpoint.objects.filter(client_id__in=clients, active=True)
    subject_ref = (
        DataSubject.objects.filter(pk=request.subject_id).values_list("external_ref", flat=True).first()
    )
    for task in tasks:
        for endpoint in endpoints:
            if endpoint.client_id != task.system.integration_client_id or not endpoint.wants(topic):
                continue
            outbox_enqueue_webhook(
                endpoint=endpoint,
                topic=topic,
                payload={
                    "task": str(task.pk),
                    "request": str(request.pk),
                    "type": request.type,
                    "system": task.system.code,
                    "subject": subject_ref,
                    "instructions": task.instructions,
                    "created_at": task.created_at.isoformat(),
                    **(extra or {}),
                },
                dedupe_key=f"dsr.task:{task.pk}:endpoint:{endpoint.pk}{_key_of(topic)}",
                subject_id=request.subject_id,
                now=now,
            )


def _key_of(topic: str) -> str:
    """A notice's own part of the outbox key: none for new work, whose key stays what it always was (a
    notice queued before is not sent twice)."""
    return "" if topic == TASK_TOPIC else f":{topic}"
