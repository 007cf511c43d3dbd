"""The requests area's clocks, plugged into the deadline machinery (`core.clocks`).

Three clocks per open request: `due` (the bank's committed deadline), `statutory` (the law's) and
`acknowledge` (Law 91: acknowledge within 2 working days, until the request is acknowledged). A
paused request (awaiting the customer) is off the bank's clock, which moves when it resumes. The
statutory clock is read as stored: while the request waits, `statutory_due_at` holds only the law's
clocks that keep running (Law 91 / Decree 356 never pause, so they are reminded and breached while
it waits); a statutory row the DPO marks pausable stands still, leaves it (null when none is left)
and moves by the pause when it ends (`dsr.selectors.clocks.request_deadlines`). A breach also lands on
the request's own clock history. A clock that ends after its deadline (the request closed, or
acknowledged, late) is recorded by the move that ends it (`dsr.services.base.missed_deadlines_record`);
the sources keep the closings made late without that record for the next sweep (`requests_on_clock`).

A fourth source, `dsr.erase_task`: the erase task a system gets when a legal hold ends comes after its
request was answered, so no request clock covers it; it has its own deadline (`due_at`, by the policy
for a deletion) and is reminded and breached until the system confirms it.
"""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import Any

from django.db.models import CharField, F, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.labels import in_reader_language
from deadlines.clocks import ClockSource, clock_columns, register_clock_source, short_id
from deadlines.models import DeadlineBreach, RequestType
from dsr.models import ClockEvent, DataSubjectRequest, FulfilmentTask, RequestClockEvent, request_reference
from dsr.selectors import clock_running_q
from dsr.states import OPEN, REQUEST_CLOCK_FIELDS

SOURCE = "dsr.request"
ERASE_TASK_SOURCE = "dsr.erase_task"
CLOCK_FIELDS = REQUEST_CLOCK_FIELDS


def closed_late_q(clock: str) -> Q:
    """Requests whose `clock` ended after its deadline: closed after it, or for the acknowledgement deadline
    acknowledged after it (or closed after it unacknowledged)."""
    field = CLOCK_FIELDS[clock]
    if clock == "acknowledge":
        return Q(acknowledged_at__gt=F(field)) | Q(acknowledged_at__isnull=True, closed_at__gt=F(field))
    return Q(closed_at__isnull=False, closed_at__gt=F(field))


def requests_on_clock(clock: str) -> QuerySet:
    """The requests on `clock`: open with it running, and those it ended for after its deadline whose
    closing has not had its missed deadlines recorded (closed before `move` recorded them): the next
    sweep records those, each once (the register filters the ones recorded)."""
    field = CLOCK_FIELDS[clock]
    # `status__in=sorted(OPEN)` repeats the partial index's condition so the planner can use it.
    running = Q(status__in=sorted(OPEN), **{f"{field}__isnull": False})
    # A clock standing still is neither reminded nor breached: the reports count it the same way.
    running &= clock_running_q(clock)
    if clock == "acknowledge":
        running &= Q(acknowledged_at__isnull=True)
    # Closed ones only, as the partial index `dsr_closed_unrecorded`: a request acknowledged late and still
    # open had it recorded by the move that acknowledged it, and its closing records every clock again.
    unrecorded = Q(closed_at__isnull=False, missed_recorded_at__isnull=True) & closed_late_q(clock)
    requests = DataSubjectRequest.objects.filter(running | unrecorded)
    return clock_columns(requests, due=field, assignee="assignee_id", subject="subject_id")


def closings_settle(ids: list[uuid.UUID], now: datetime) -> None:
    """Mark the closed requests of `ids` whose every deadline missed at closing is in the register: the
    sweep then reads them no more."""
    requests = DataSubjectRequest.objects.filter(pk__in=ids, closed_at__isnull=False, missed_recorded_at=None)
    # The register keeps the primary key as the database casts it to text (`clock_columns`).
    items = requests.annotate(item=Cast("pk", CharField(max_length=64)))
    registered = set(
        DeadlineBreach.objects.filter(source=SOURCE, item_id__in=items.values("item")).values_list(
            "item_id", "clock"
        )
    )
    pending = {
        pk
        for clock in CLOCK_FIELDS
        for pk, item in items.filter(closed_late_q(clock)).values_list("pk", "item")
        if (item, clock) not in registered
    }
    requests.exclude(pk__in=pending).update(missed_recorded_at=now)


_TYPE_LABELS = dict(RequestType.choices)


def label(row: dict[str, Any]) -> str:
    # The request's one reference, the number the customer quotes and staff search the queue by.
    reference = request_reference(uuid.UUID(row["clock_item_id"]), row["received_at"])
    return f"{_TYPE_LABELS.get(row['type'], row['type'])} {reference}"


def link(row: dict[str, Any]) -> str:
    # Reversed once per language, then filled in: the sweeper links thousands of requests per batch.
    return _detail_path(get_language()).replace(str(_PLACEHOLDER), str(uuid.UUID(row["clock_item_id"])))


_PLACEHOLDER = uuid.UUID(int=0)


@functools.lru_cache(maxsize=8)
def _detail_path(language: str | None) -> str:
    return reverse("dsr:detail", args=[_PLACEHOLDER])


def record_breaches(rows: list[dict[str, Any]], now: datetime) -> None:
    """The breach on the request's clock history (its timeline shows it), one row per request."""
    ids = [uuid.UUID(row["clock_item_id"]) for row in rows]
    requests = DataSubjectRequest.objects.filter(pk__in=ids).values(
        "pk", "due_at", "statutory_due_at", "statutory_regime"
    )
    RequestClockEvent.objects.bulk_create(
        [
            RequestClockEvent(
                request_id=r["pk"],
                kind=ClockEvent.BREACHED,
                at=now,
                due_at=r["due_at"],
                statutory_due_at=r["statutory_due_at"],
                statutory_regime=r["statutory_regime"],
                actor_label="core.sweep_deadlines",
            )
            for r in requests
        ]
    )
    closings_settle(ids, now)


def erase_tasks_open(clock: str) -> QuerySet:
    """The erase tasks of ended holds not yet confirmed, and those confirmed after their deadline (the
    register filters the ones whose miss is recorded, by their confirmation or a sweep), for the
    request's assignee, else the queue. Only erase tasks have `due_at`: the partial index
    `dsr_erase_task_due` keeps them apart from every other task."""
    late = Q(completed_at__gt=F("due_at"))
    tasks = FulfilmentTask.objects.filter(Q(status="open") | late, due_at__isnull=False)
    return clock_columns(tasks, due="due_at", assignee="request__assignee_id", subject="request__subject_id")


def erase_task_label(row: dict[str, Any]) -> str:
    # The system is the bank's, not a person: its name may appear, in the reader's language.
    system = in_reader_language(row["system__name_vi"], row["system__name_en"])
    return gettext("Erase task of %(system)s after a legal hold #%(id)s") % {
        "system": system, "id": short_id(row["clock_item_id"])
    }


def erase_task_link(row: dict[str, Any]) -> str:
    return _detail_path(get_language()).replace(str(_PLACEHOLDER), str(row["request_id"]))


def register() -> None:
    register_clock_source(
        ClockSource(
            name=ERASE_TASK_SOURCE,
            clocks=("due",),
            open_items=erase_tasks_open,
            label=erase_task_label,
            link=erase_task_link,
            fields=("system__name_vi", "system__name_en", "request_id"),
            clock_labels={"due": _("deadline to erase after a legal hold")},
            title=_("Erase tasks after legal holds"),
        )
    )
    register_clock_source(
        ClockSource(
            name=SOURCE,
            clocks=tuple(CLOCK_FIELDS),
            open_items=requests_on_clock,
            label=label,
            link=link,
            fields=("type", "received_at"),
            breach_action="dsr.clock.breached",
            on_breached=record_breaches,
            clock_labels={
                "due": _("bank deadline"),
                "statutory": _("statutory deadline"),
                "acknowledge": _("acknowledgement deadline"),
            },
            title=_("Data-subject requests"),
        )
    )
