"""Reads on fulfilment tasks: the open ones staff and integration clients see, and what may be done
with one now."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.actors import Actor
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest, FulfilmentTask, TaskStatus
from dsr.states import TASK_MACHINE, RequestStatus
from subjects.staff_records import own_record_refusal


def tasks_open() -> QuerySet[FulfilmentTask]:
    """Every open fulfilment task, the oldest first (what staff see of the systems' work)."""
    return (
        FulfilmentTask.objects.filter(status=TaskStatus.OPEN)
        .select_related("system", "request__subject")
        .order_by("created_at", "pk")
    )


def tasks_for_client(user) -> QuerySet[FulfilmentTask]:
    """Open tasks of the systems an integration client answers for: those of requests in progress,
    and the erase tasks of ended legal holds (their requests were answered long before)."""
    return (
        FulfilmentTask.objects.filter(system__integration_client=user, status=TaskStatus.OPEN)
        .filter(Q(request__status="in_progress") | Q(hold__isnull=False))
        .select_related("system", "request", "request__subject")
        .order_by("created_at", "pk")
    )


def task_request_workable(task: FulfilmentTask, request: DataSubjectRequest) -> bool:
    """Whether the request is at a stage where this task may be worked: while it is in progress. The
    erase task of an ended hold comes long after its request was answered, and a customer's own
    confirmed change (`dsr.services.profile`) is completed at once while each system applies it."""
    return (
        request.status == RequestStatus.IN_PROGRESS
        or task.hold_id is not None
        or (request.type == RequestType.RECTIFY and request.status == RequestStatus.COMPLETED)
    )


def task_allowed_actions(
    task: FulfilmentTask, actor: Actor, *, own: frozenset | None = None
) -> frozenset[str]:
    """What this actor may do with the task now: "complete" (pages and API ask this; the caller checks
    the staff member's permission). An integration client works only its own system's tasks; staff work
    none of their own, their ward's or their guardian's request (`own_record_refusal`; `own`: a page's
    `own_records`, read once for all its tasks)."""
    if actor.is_client and task.system.integration_client_id != actor.user_id:
        return frozenset()
    if own_record_refusal(actor, task.request.subject_id, own=own) is not None:
        return frozenset()
    if TASK_MACHINE.is_allowed(task.status, TaskStatus.DONE) and task_request_workable(task, task.request):
        return frozenset({"complete"})
    return frozenset()
