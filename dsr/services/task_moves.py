"""The one mover of a fulfilment task, and the calling off of a request's open tasks when the request
ends unanswered (cancelled by the customer, or refused).

A system told by webhook to act for a request (`dsr.task.created`: erase, export, correct, stop) must
hear when that request ends unanswered, or it carries out an erasure the customer called off; and a
task left open for ever shows staff work that is no longer to be done.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from audit.transitions import Transition
from core.actors import Actor
from dsr.models import DataSubjectRequest, FulfilmentTaskStatusChange, TaskStatus
from dsr.services.fanout import TASK_CALLED_OFF_TOPIC, tasks_notify_clients
from dsr.states import TASK_MACHINE

# The one mover of a fulfilment task: `Transition` checks `dsr.states.TASK_MACHINE` (409 otherwise),
# saves the task (its request locked by the caller) with a `FulfilmentTaskStatusChange` row and the
# audit entry.
task_transition = Transition(
    TASK_MACHINE,
    FulfilmentTaskStatusChange,
    of="task",
    refused=_("This task is already done."),
    code="task_done",
)


def tasks_call_off(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> int:
    """In the transaction of the move that ends `request` unanswered (the request locked, which guards
    its tasks): each task still open is called off, with its history row and audit entry, and its
    system's client told by webhook (`dsr.task.called_off`, with the request's status). Returns how many."""
    still_open = request.tasks.filter(status=TaskStatus.OPEN, hold__isnull=True)
    open_tasks = list(still_open.select_related("system").order_by("pk"))
    for task in open_tasks:
        task_transition(
            task,
            to=TaskStatus.CALLED_OFF,
            actor=actor,
            now=now,
            audit_action="dsr.task.called_off",
            subject=request.subject_id,
            data={"request": str(request.pk), "system": task.system.code, "request_status": request.status},
        )
    tasks_notify_clients(
        request,
        open_tasks,
        now=now,
        topic=TASK_CALLED_OFF_TOPIC,
        extra={"request_status": request.status, "called_off_at": now.isoformat()},
    )
    return len(open_tasks)
