"""The sweeper that reminds and marks breaches, over the registered clock sources.

Each app registers, from its AppConfig.ready(), a `ClockSource`: a queryset of its open items for
each of its clocks, annotated with four standard columns (`clock_item_id` as text, `clock_due_at`,
`clock_assignee_id`, `clock_subject_id`), plus how to label and link an item. The sweeper knows
nothing else about requests, withdrawal duties, breaches or impact assessments, so a new kind of
clock plugs in by registering a source, without touching this module.

Every minute `deadlines_sweep`:

* reminds the assignee (or, when nobody is assigned, the source's queue roles) once per item, clock,
  threshold and deadline, in one e-mail per person and sweep listing their items. Thresholds
  (`ReminderThreshold`, 24 h and 6 h by default) cut the time before a deadline into windows, and
  an item gets the reminder of the window it is in: one that arrives with 5 hours to go gets the
  6-hour reminder only;
* records a `DeadlineBreach` once per item and clock when its deadline has passed, audits it, lets
  the source add its own trace (e.g. the request's clock event) and escalates to the DPO
  (`deadlines.clocks.missed`, which a service closing an item late calls too).

Exactly-once through the ledgers: the ledger rows are inserted with ON CONFLICT DO NOTHING (RETURNING
the reminders, a run id for the breaches), so only the rows this sweep actually inserted lead to
e-mails, queued in the same transaction (the outbox's unique `dedupe_key` is a second guard). A
second sweep, or a second worker at the same time, inserts nothing and sends nothing.

No false breach: the overdue items are locked (`_overdue_locked`) before the first breach is audited,
then read: one being closed that moment (a request completed, a duty acknowledged in time) is waited
for or left to the next run, and drops out. Reminders take no lock: one sent to a closed item is harmless.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from accounts.languages import per_language
from core.actors import Actor
from core.db import any_of, first_of
from core.roles import WORKING_ROLES
from deadlines.clocks.items import Batch, not_yet, rows_of
from deadlines.clocks.missed import breaches_due, breaches_record
from deadlines.clocks.sources import ClockSource, clock_sources
from deadlines.models import DeadlineReminder, ReminderThreshold
from integrations.models import OutboxMessage
from integrations.outbox import (
    absolute_url,
    dispatch_sweep_on_commit,
    email_message,
    staff_recipients,
)
from subjects.locks import of_customers_locked

DEFAULT_THRESHOLD_HOURS = (24, 6)
SWEEP_BATCH = 2000
REMINDER_TEMPLATE = "deadlines/email/deadline_reminder"


def reminder_thresholds() -> list[int]:
    """Active thresholds in hours, largest first; the defaults when the DPO has none active."""
    hours = list(ReminderThreshold.objects.filter(active=True).values_list("hours_before", flat=True))
    return sorted(hours or DEFAULT_THRESHOLD_HOURS, reverse=True)


@dataclass
class SweepResult:
    reminders: int = 0
    breaches: int = 0
    # A query hit the batch limit: more may be due, run again.
    full: bool = False


def deadlines_sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> SweepResult:
    """Send due reminders and record passed deadlines for every registered source (the sweeper's service).

    Handles at most `limit` items per source, clock and step; `result.full` says to run again.
    """
    now = now or timezone.now()
    run = uuid.uuid4()
    thresholds = reminder_thresholds()
    result = SweepResult()
    actor = Actor.system("core.sweep_deadlines")
    sources = clock_sources()
    with transaction.atomic(durable=True):
        # All locked before the first breach is audited: staff lock an item, then the audit chain's head.
        for source, clock, due in _overdue_locked(sources, now, limit):
            breached = breaches_record(source, clock, due, now=now, run=run, actor=actor)
            result.breaches += len(breached)
            result.full |= breached.full
        for source in sources:
            for clock in source.clocks:
                for index, hours in enumerate(thresholds):
                    # The window of this threshold ends where the next smaller threshold's begins.
                    lower = thresholds[index + 1] if index + 1 < len(thresholds) else 0
                    sent = _reminders(source, clock, hours=hours, lower=lower, now=now, run=run, limit=limit)
                    result.reminders += len(sent)
                    result.full |= sent.full
        if result.reminders or result.breaches:
            dispatch_sweep_on_commit()
    return result


def _overdue_locked(sources: list[ClockSource], now: datetime, limit: int) -> list[tuple]:
    """(source, clock, its first `limit` overdue items as `rows_of` rows) for each clock of each source,
    locked before they are read, in the one lock order: the customers of them all first, in one
    statement in id order, skipping those another writer holds (`of_customers_locked`: the next run
    takes their items), then each source's items (filings have no customer) in id order."""
    clocks = [(source, clock) for source in sources for clock in source.clocks]
    due = [breaches_due(source, clock, now=now) for source, clock in clocks]
    due = of_customers_locked(*due, customer="clock_subject_id", limit=limit)
    overdue = []
    for source in sources:
        mine = [(clock, rows) for (owner, clock), rows in zip(clocks, due, strict=True) if owner is source]
        items = source.open_items(source.clocks[0]).model._default_manager.select_for_update(of=("self",))
        first = first_of([rows for _clock, rows in mine], "pk", limit)
        held = list(items.filter(first).order_by("pk").values_list("pk", flat=True))
        overdue += [
            (source, clock, rows_of(rows.filter(any_of("pk", held)), source, limit)) for clock, rows in mine
        ]
    return overdue


def reminders_due(source: ClockSource, clock: str, *, hours: int, lower: int, now: datetime) -> QuerySet:
    """The open items of `source` whose deadline on `clock` is within `hours` but more than `lower`
    hours away and who have not had this threshold's reminder for that deadline."""
    items = source.open_items(clock).filter(
        clock_due_at__gt=now + timedelta(hours=lower), clock_due_at__lte=now + timedelta(hours=hours)
    )
    ledger = DeadlineReminder.objects.filter(
        source=source.name,
        clock=clock,
        hours_before=hours,
        item_id=OuterRef("clock_item_id"),
        due_at=OuterRef("clock_due_at"),
    )
    return not_yet(items, ledger)


def _reminders(
    source: ClockSource,
    clock: str,
    *,
    hours: int,
    lower: int,
    now: datetime,
    run: uuid.UUID,
    limit: int,
) -> Batch:
    due = rows_of(reminders_due(source, clock, hours=hours, lower=lower, now=now), source, limit)
    if not due:
        return due
    mine = _insert_ledger(source, clock, hours, due, now=now, run=run)
    rows = [row for row in due if row["clock_item_id"] in mine]
    _send_reminders(source, clock, rows, hours=hours, run=run, now=now)
    result = Batch(rows)
    result.full = due.full
    return result


def _insert_ledger(
    source: ClockSource, clock: str, hours: int, rows: list[dict[str, Any]], *, now: datetime, run: uuid.UUID
) -> set[str]:
    """Write the ledger rows and return the item ids this statement inserted: one INSERT ... ON CONFLICT
    DO NOTHING RETURNING (PostgreSQL and SQLite 3.35+), without building a model per row."""
    table = connection.ops.quote_name(DeadlineReminder._meta.db_table)
    columns = "source, item_id, clock, hours_before, due_at, sent_at, sweep_run"
    tail = "ON CONFLICT (source, item_id, clock, hours_before, due_at) DO NOTHING RETURNING item_id"
    if connection.vendor == "postgresql":
        # Two arrays (what varies by row) rather than thousands of placeholders: the statement stays
        # small to send and parse, and psycopg quotes no copy of the constants per row.
        # The table name comes from the model, every value is a parameter.
        sql = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608
            "SELECT %s::varchar, i, %s::varchar, %s::integer, d, %s::timestamptz, %s::uuid "
            f"FROM unnest(%s::varchar[], %s::timestamptz[]) AS t(i, d) {tail}"
        )
        params = [
            source.name,
            clock,
            hours,
            now,
            run,
            [row["clock_item_id"] for row in rows],
            [row["clock_due_at"] for row in rows],
        ]
    else:
        field = DeadlineReminder._meta.get_field
        due_at, sent_at, sweep_run = field("due_at"), field("sent_at"), field("sweep_run")
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
        sql = f"INSERT INTO {table} ({columns}) VALUES {placeholders} {tail}"  # noqa: S608
        params = []
        for row in rows:
            params += [
                source.name,
                row["clock_item_id"],
                clock,
                hours,
                due_at.get_db_prep_value(row["clock_due_at"], connection),
                sent_at.get_db_prep_value(now, connection),
                sweep_run.get_db_prep_value(run, connection),
            ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {item_id for (item_id,) in cursor.fetchall()}


def _send_reminders(
    source: ClockSource, clock: str, rows: list[dict[str, Any]], *, hours: int, run: uuid.UUID, now: datetime
) -> None:
    """One e-mail per person listing the items this sweep reminds them of (a busy officer gets one
    message, not fifty); the ledger, not the e-mail, is what keeps each reminder single."""
    if not rows:
        return
    assignees = staff_recipients(
        user_ids=sorted({r["clock_assignee_id"] for r in rows if r["clock_assignee_id"]}),
        roles=list(WORKING_ROLES),
    )
    queue = (
        staff_recipients(roles=list(source.queue_roles))
        if any(r["clock_assignee_id"] not in assignees for r in rows)
        else {}
    )
    # Labels are worded, and links addressed (`/en/…`), in each recipient's language, once per language
    # in use.
    wording = per_language(lambda: (
        str(source.clock_labels.get(clock, clock)),
        {row["clock_item_id"]: str(source.label(row)) for row in rows},
        {row["clock_item_id"]: absolute_url(source.link(row)) for row in rows},
    ))
    items: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        assignee = row["clock_assignee_id"]
        for user_id in [assignee] if assignee in assignees else queue:
            items.setdefault(user_id, []).append(row)
    messages = []
    for user_id, listed in items.items():
        recipient = assignees.get(user_id) or queue[user_id]
        clock_label, labels, links = wording(recipient.language)
        messages.append(email_message(
            to=recipient.address,
            template=REMINDER_TEMPLATE,
            context={
                "items": [
                    {
                        "label": labels[row["clock_item_id"]],
                        "due_at": row["clock_due_at"].isoformat(),
                        "link": links[row["clock_item_id"]],
                    }
                    for row in listed
                ],
                "count": len(listed),
                "clock_label": clock_label,
                "hours_before": hours,
            },
            topic="deadline.reminder",
            dedupe_key=f"reminder:{run}:{source.name}:{clock}:{hours}:{user_id}",
            language=recipient.language,
            now=now,
        ))
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=1000)
