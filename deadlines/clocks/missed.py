"""Recording a missed deadline: the deadline-breach register row, its audit entry, the source's own
trace (`ClockSource.on_breached`) and the DPO's e-mail, once per item and clock.

The sweep records the items it finds open past their deadline (`deadlines.clocks.sweep`); a service that
closes an item after its deadline (a breach notified or a dossier filed late) records it in its own
transaction through `deadline_missed_record`, so a deadline missed between two sweeps, or while the
sweeper was down, is recorded the same way, by the same code, and never twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.utils import translation

from accounts.languages import per_language
from audit.services import audit_record
from core.actors import Actor
from core.roles import Role
from deadlines.clocks.items import Batch, not_yet, rows_of
from deadlines.clocks.sources import ClockSource, clock_source
from deadlines.models import DeadlineBreach
from integrations.outbox import absolute_url, dispatch_sweep_on_commit, outbox_email_staff

ESCALATION_TEMPLATE = "deadlines/email/deadline_breached"


def breaches_due(source: ClockSource, clock: str, *, now: datetime) -> QuerySet:
    """The items of `source` past their deadline on `clock` (`open_items`: still open, or closed after
    it) and not yet in the breach register."""
    register = DeadlineBreach.objects.filter(
        source=source.name, clock=clock, item_id=OuterRef("clock_item_id")
    )
    return not_yet(source.open_items(clock).filter(clock_due_at__lte=now), register)


def deadline_missed_record(*, source: str, clock: str, item_id: Any, actor: Actor, now: datetime) -> bool:
    """Record, in the caller's transaction, that the item `item_id` of the source named `source` missed
    its deadline on `clock`, when it did and it is not recorded yet: what the sweep records
    (`breaches_record`), here at the moment a service closes the item late. The caller holds the item's
    lock and has saved its closing. Returns whether this call recorded it."""
    found = clock_source(source)
    with transaction.atomic(savepoint=False):
        due = rows_of(breaches_due(found, clock, now=now).filter(pk=item_id), found, limit=1)
        recorded = breaches_record(found, clock, due, now=now, run=uuid.uuid4(), actor=actor)
        if recorded:
            dispatch_sweep_on_commit()
    return bool(recorded)


def breaches_record(
    source: ClockSource,
    clock: str,
    due: Batch,
    *,
    now: datetime,
    run: uuid.UUID,
    actor: Actor,
) -> Batch:
    """Record the breaches of `due`, the overdue items of `source` on `clock` this sweep has locked
    and found still open (`_overdue_locked`): register, audit, the source's trace, the DPO's e-mail."""
    if not due:
        return due
    with translation.override(settings.LANGUAGE_CODE):
        labels = {row["clock_item_id"]: source.label(row)[:150] for row in due}
    DeadlineBreach.objects.bulk_create(
        [
            DeadlineBreach(
                source=source.name,
                item_id=row["clock_item_id"],
                clock=clock,
                due_at=row["clock_due_at"],
                breached_at=now,
                subject_id=row["clock_subject_id"],
                label=labels[row["clock_item_id"]],
                sweep_run=run,
            )
            for row in due
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    breaches = list(
        DeadlineBreach.objects.filter(
            source=source.name, clock=clock, item_id__in=list(labels), sweep_run=run
        ).order_by("due_at")
    )
    mine = {breach.item_id for breach in breaches}
    rows = [row for row in due if row["clock_item_id"] in mine]
    for breach in breaches:
        audit_record(
            action=source.breach_action,
            actor=actor,
            subject=breach.subject_id,
            target=breach,
            data={
                "source": source.name,
                "item": breach.item_id,
                "clock": clock,
                "due_at": breach.due_at.isoformat(),
            },
            now=now,
        )
    if rows and source.on_breached is not None:
        source.on_breached(rows, now)
    if breaches:
        _escalate(source, clock, breaches, rows, run=run, now=now)
    result = Batch(rows)
    result.full = due.full
    return result


def _escalate(
    source: ClockSource,
    clock: str,
    breaches: list[DeadlineBreach],
    rows: list[dict[str, Any]],
    *,
    run: uuid.UUID,
    now: datetime,
) -> None:
    """One e-mail per DPO for the breaches of this source and clock found by this sweep, each in the
    DPO's language (the register keeps its label in the site default; the e-mail words it afresh)."""
    by_item = {row["clock_item_id"]: row for row in rows}
    context = per_language(lambda: {
        "clock_label": str(source.clock_labels.get(clock, clock)),
        "breaches": [
            {
                "label": str(source.label(by_item[b.item_id])) if b.item_id in by_item else b.label,
                "due_at": b.due_at.isoformat(),
                "link": absolute_url(source.link(by_item[b.item_id])) if b.item_id in by_item else "",
            }
            for b in breaches
        ],
        "count": len(breaches),
    })
    outbox_email_staff(
        roles=[Role.DPO],
        template=ESCALATION_TEMPLATE,
        context=context,
        topic="deadline.breached",
        dedupe_key=f"breach:{run}:{source.name}:{clock}",
        # `deadlines_sweep` dispatches one outbox sweep on commit for all it queued.
        dispatch=False,
        now=now,
    )
