"""The sweep's reads follow the items due, not the ledger: each item in a window costs one probe of
the reminder ledger's (or the breach register's) unique index, whatever the tables' statistics say.
PostgreSQL plans; SQLite always runs these subqueries per row."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet

from core.roles import Role
from deadlines.clocks import breaches_due, clock_sources, deadlines_sweep, reminders_due
from deadlines.models import DeadlineBreach, DeadlineReminder
from tests.factories import make_subject
from tests.jobs.factories import NOW, request_due, staff

pytestmark = pytest.mark.django_db


def requests_source():
    return next(source for source in clock_sources() if source.name == "dsr.request")


def plan_nodes(query: QuerySet) -> Iterator[dict]:
    pending = [json.loads(query.explain(format="json", analyze=True))[0]["Plan"]]
    while pending:
        node = pending.pop()
        yield node
        pending += node.get("Plans", [])


def assert_probed_per_item(query: QuerySet, table: str, items: int) -> None:
    scans = [node for node in plan_nodes(query) if node.get("Relation Name") == table]
    assert scans, f"{table} is not read"
    for scan in scans:
        # An index probe keyed on the item, run once per item and finding at most its one row, not a
        # scan of the table (or of every row of the clock) joined to the items.
        assert scan["Node Type"] in {"Index Scan", "Index Only Scan"}, scan
        assert "item_id" in scan.get("Index Cond", ""), scan
        assert scan["Actual Loops"] == items and scan["Actual Rows"] <= 1, scan


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the plan of PostgreSQL is what is checked")
    staff("binh", Role.PRIVACY)
    staff("chi", Role.DPO)


def test_reminders_probe_the_ledger_once_per_item_in_the_window(postgresql):
    subject = make_subject()
    for minutes in range(40):
        request_due(subject, due_at=NOW + timedelta(hours=7, minutes=minutes))
    assert deadlines_sweep(now=NOW).reminders == 40
    # The ledger was just written and never analysed, as after a busy minute.
    due = reminders_due(requests_source(), "due", hours=24, lower=6, now=NOW).values("clock_item_id")
    assert not due.exists()
    assert_probed_per_item(due, DeadlineReminder._meta.db_table, 40)


def register_history(rows: int) -> None:
    """A register holding earlier breaches (of another source), with its statistics taken: the state
    autovacuum keeps it in. Left empty and analysed by autovacuum after other tests' rolled-back rows,
    it reads as empty, and scanning nothing is the cheaper plan; that is not the plan under test."""
    DeadlineBreach.objects.bulk_create(
        DeadlineBreach(source="history", item_id=str(n), clock="due", due_at=NOW, breached_at=NOW,
                       label="", sweep_run=uuid.uuid4())
        for n in range(rows)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {DeadlineBreach._meta.db_table}")


def test_breaches_probe_the_register_once_per_overdue_item(postgresql):
    register_history(3_000)
    subject = make_subject()
    for minutes in range(40):
        request_due(subject, due_at=NOW - timedelta(hours=1, minutes=minutes))
    assert deadlines_sweep(now=NOW).breaches == 40
    due = breaches_due(requests_source(), "due", now=NOW).values("clock_item_id")
    assert not due.exists()
    assert_probed_per_item(due, DeadlineBreach._meta.db_table, 40)
