"""Fan-out of a request into one task per system, and marking tasks done (staff or the system's client).

A task moves only through `task_transition`, which keeps its history (`FulfilmentTaskStatusChange`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deadlines.clocks import deadline_missed_record
from deadlines.models import RequestType
from deadlines.policy import LOCAL_TZ, deadlines_for
from dsr.clock_sources import ERASE_TASK_SOURCE
from dsr.models import DataSubjectRequest, FulfilmentTask, LegalHold, TaskStatus
from dsr.models.inventory import PLATFORM_SYSTEM
from dsr.notifications import customer_notify
from dsr.selectors import task_request_workable
from dsr.selectors.deletions import holds_due, holds_to_date
from dsr.services.base import request_locked, requests_lock
from dsr.services.deletion import (
    ERASE,
    deletion_confirm,
    hold_restriction_lift_if_done,
    holds_dated_audit,
    holds_schedule,
)
from dsr.services.erasure import erase, holds_released_copies_erase
from dsr.services.fanout import tasks_notify_clients
from dsr.services.task_moves import task_transition
from dsr.states import TASK_MACHINE
from subjects.locks import subjects_lock
from subjects.staff_records import own_record_check

MAX_RESULT_BYTES = 1_000_000
RELEASE_BATCH = 500


def task_complete(
    *,
    actor: Actor,
    task_id,
    result: dict[str, Any] | None = None,
    note: str = "",
    evidence: str = "",
    now: datetime | None = None,
) -> FulfilmentTask:
    """Mark one system's part done with what it returned, a note and where the proof is kept. An
    integration client may complete only its own system's tasks; staff none of their own, their ward's
    or their guardian's request (403 `own_customer_record`: producing one's own export or applying one's
    own correction leaves no colleague behind it).

    The last task done never answers the request: completion is always a staff act that carries the
    customer's answer (`request_complete`); the request then shows as ready to answer."""
    note = (note or "").strip()
    evidence = (evidence or "").strip()
    if len(note) > 2000:
        raise InvalidInput(_("The note is longer than 2000 characters."), field="note")
    if len(evidence) > 300:
        raise InvalidInput(_("The evidence reference is longer than 300 characters."), field="evidence")
    result = result or {}
    if not isinstance(result, dict):
        raise InvalidInput(_("Give the result as a JSON object."), field="result")
    encoded = json.dumps(result, sort_keys=True, ensure_ascii=False, default=str)
    if len(encoded.encode()) > MAX_RESULT_BYTES:
        raise InvalidInput(_("The result is larger than 1 MB."), field="result")
    with transaction.atomic(durable=True):
        request_id = FulfilmentTask.objects.filter(pk=task_id).values_list("request_id", flat=True).first()
        if request_id is None:
            raise NotFound(_("No such task."))
        # Lock the request (its customer first), not only the task: two systems finishing at once must
        # not both see "one task left" and both skip (or both run) the completion.
        request, now = request_locked(request_id, now=now)
        task = FulfilmentTask.objects.select_related("system").get(pk=task_id)
        if actor.is_client and task.system.integration_client_id != actor.user_id:
            raise PermissionDenied(_("This task belongs to another system."))
        own_record_check(actor, request.subject_id)
        if task.status == TaskStatus.CALLED_OFF:
            raise Conflict(
                _("This task was called off: its request was cancelled or refused, or the DPO keeps the "
                  "customer's data for a legal reason, so there is nothing to do or report for it. When the "
                  "data may be erased, the system gets a fresh task."),
                code="task_called_off",
            )
        # Erasure is irreversible and its proof is what the DPO shows the regulator: a deletion task
        # is done only with a word on what was erased, in the note or in the
        # system's own report (`result`), never bare.
        if request.type == RequestType.DELETE and not note and not result:
            raise InvalidInput(
                _("Say what was deleted: a deletion task needs a note on what was done."), field="note"
            )
        # Tasks are worked only while the request is; a task already done is refused by the table.
        if TASK_MACHINE.is_allowed(task.status, TaskStatus.DONE) and not task_request_workable(task, request):
            raise Conflict(
                _("Tasks are worked only while the request is in progress."), code="request_not_in_progress"
            )
        task_transition(
            task,
            actor=actor,
            to=TaskStatus.DONE,
            now=now,
            changes={
                "result": encoded,
                "completed_at": now,
                "completed_by_label": actor.label[:150],
                "note": note,
                "evidence": evidence,
            },
            audit_action="dsr.task.completed",
            subject=request.subject_id,
            # Whether a note was written, not its text: a note may name the customer's data.
            data={
                "system": task.system.code,
                "request": str(request.pk),
                "note": bool(note),
                "evidence": evidence,
            },
        )
        if request.type == RequestType.DELETE:
            deletion_confirm(task, actor=actor, now=now)
        if task.due_at is not None:
            # An erase task after a legal hold confirmed past its deadline: the miss is recorded now, as a
            # request closed late records its own, not left to a sweep that may never see it open.
            deadline_missed_record(
                source=ERASE_TASK_SOURCE, clock="due", item_id=task.pk, actor=actor, now=now
            )
    return task


def legal_holds_release_due(*, now: datetime | None = None, limit: int = RELEASE_BATCH) -> int:
    """End the legal holds that have reached their end date (the nightly job's service).

    First dates the open-ended holds of customers whose relationship has since ended. Then, per due
    hold, the platform erases its own held fields and every other system gets a new erase task (its
    confirmation writes the deletion record); and once per deletion whose last hold ends, the
    platform's other copies are erased again, those made since completion
    (`holds_released_copies_erase`).
    Set-based and idempotent: each hold is re-checked under its lock, so a second run, or two at once,
    release nothing twice. Returns how many holds ended; a full batch means the caller should run
    again.
    """
    today = timezone.localtime(now or timezone.now(), LOCAL_TZ).date()
    actor = Actor.system("dsr.legal_holds_release_due")
    ended: list[LegalHold] = []
    with transaction.atomic(durable=True):
        # The one lock order (`subjects.locks`): the customers, then their deletion requests, then the
        # holds, all before the first audit entry. The customers are those of the holds dated tonight
        # and of the first due ones: dating can only add its own holds ahead of those, so the customers
        # of the batch released below are among them.
        due_first = holds_due(today=today).order_by("ends_on", "pk")
        dating = holds_to_date().values_list("subject_id", flat=True)
        subjects_lock({*dating, *due_first.values_list("subject_id", flat=True)[:limit]})
        dated = holds_schedule(today=today)
        due_ids = list(due_first.values_list("pk", flat=True)[:limit])
        due = LegalHold.objects.filter(pk__in=due_ids, released_at__isnull=True)
        requests_lock(due.values_list("request_id", flat=True))
        holds = list(due.select_for_update(of=("self",)).select_related("category", "system", "request"))
        now = now or timezone.now()
        holds_dated_audit(dated, actor=actor, now=now)
        # A deletion's deadline from now, as for a deletion request received tonight: the sweep reminds
        # and breaches each erase task (`dsr.clock_sources`) until its system confirms.
        erase_due_at = deadlines_for(request_type=RequestType.DELETE, received_at=now).answer_by
        for hold in holds:
            if hold.system.code == PLATFORM_SYSTEM:
                erase(
                    hold.subject_id,
                    category=hold.category,
                    system=hold.system,
                    actor=actor,
                    now=now,
                    request=hold.request,
                    hold=hold,
                )
            elif hold.request is not None:
                task = FulfilmentTask.objects.create(
                    request=hold.request,
                    system=hold.system,
                    hold=hold,
                    created_at=now,
                    due_at=erase_due_at,
                    instructions=[
                        {
                            "category": hold.category.code,
                            "action": ERASE,
                            "hold_until": None,
                            # The bank's wording, as the hold's instructions had it, whatever the
                            # language of the run that ends the hold.
                            "law": hold.legal_reference_vi,
                        }
                    ],
                )
                tasks_notify_clients(hold.request, [task], now=now)
            hold.released_at = now
            hold.save(update_fields=["released_at"])
            audit_record(
                action="dsr.hold.released",
                actor=actor,
                subject=hold.subject_id,
                target=hold,
                now=now,
                data={"category": hold.category.code, "system": hold.system.code},
            )
            hold_restriction_lift_if_done(hold.request, actor=actor, now=now)
            ended.append(hold)
        holds_released_copies_erase(ended, actor=actor, now=now)
        _customers_notify_held_deleted(ended, now=now)
    return len(ended)


def _customers_notify_held_deleted(ended: list[LegalHold], *, now: datetime) -> None:
    """Tell each customer, once per deletion and release, that what the law kept is now deleted (caller's
    transaction). After the erasures: the request and customer are read afresh, so a contact detail
    erased tonight is not written to (the notifier falls back to the inbox), and the message is not
    among the copies erased."""
    first_hold: dict = {}
    for hold in ended:
        if hold.request_id is not None:
            first_hold.setdefault(hold.request_id, hold.pk)
    requests = DataSubjectRequest.objects.filter(pk__in=list(first_hold))
    for request in requests.select_related("subject", "guardian").order_by("pk"):
        customer_notify(request, event="held_deleted", now=now, key=str(first_hold[request.pk]))
