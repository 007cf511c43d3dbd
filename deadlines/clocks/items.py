"""Reading a source's items for the sweep: the rows it works on, in bounded batches, and the items a
ledger (reminders sent, breaches recorded) does not hold yet."""

from __future__ import annotations

from django.db.models import QuerySet, Subquery

from deadlines.clocks.sources import ITEM_COLUMNS, ClockSource


class Batch(list):
    """Rows of one step of a sweep; `full` when the step hit its limit (more may be due: run again)."""

    full = False


def rows_of(candidates: QuerySet, source: ClockSource, limit: int) -> Batch:
    """The first `limit` candidates as rows of `ITEM_COLUMNS` and the source's fields."""
    rows = Batch(candidates.values(*ITEM_COLUMNS, *source.fields)[:limit])
    rows.full = len(rows) == limit
    return rows


def not_yet(items: QuerySet, recorded: QuerySet) -> QuerySet:
    """`items` without those `recorded` (a ledger filtered on `OuterRef`s to the item's columns),
    oldest deadline first.

    A scalar subquery rather than NOT EXISTS: PostgreSQL turns NOT EXISTS into a join whose plan rests
    on the ledger's statistics, and with them stale (10,000 reminders written in the last minute) it
    rescanned every ledger row of the clock for each item, 2.5 s for 7,500 items in a window, or with
    them fresh it reads the ledger's whole history of the clock. A scalar subquery is never pulled up
    into a join: one probe of the ledger's unique index per item in the window, however big the ledger.
    """
    # The item id, not the primary key: the probe can then be answered from the unique index alone.
    # A total order: two sweeps at once insert in the same order, so one waits for the other
    # instead of deadlocking on the unique index.
    return (
        items.alias(recorded=Subquery(recorded.values("item_id")[:1]))
        .filter(recorded__isnull=True)
        .order_by("clock_due_at", "clock_item_id")
    )
