"""The consent report reads a month through indexes, not the whole history (bench/consent_report.py):
its grouped query over the events finds the month's events by `at` (`consent_event_at`), and its query
of the stops finds the month's withdrawals by `withdrawn_at` (`consent_withdrawn_at`); the consents in
force at the end are counted from `consent_in_force` alone (an index-only scan of those not ended by
then, a range of `consents.models.ends_at`), not from every consent ever given.

Each query is the one the selector runs (recorded as it runs, with its parameters), explained with the
database's own EXPLAIN, its planner settings as they are, over two years of consents, events and stops
with fresh statistics: enough for reading a month through the index to cost less than reading the
tables whole, as on a bank's database (the benchmark's plans, docs/consents.md). On PostgreSQL the
report's month lies in the default partition, which holds the months older than the partitions made
ahead (core.partitions), as a bank's imported history does."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from consents.models import Consent, ConsentEvent, ConsentStatus, WithdrawalDuty
from consents.selectors.report import consent_report_month
from core.partitions import partitions_ensure, partitions_of
from tests.consents.factories import consents_in_bulk, make_purpose, make_recipient
from tests.factories import subjects_in_bulk
from tests.plans import analyzed, index_reads, nodes, plan_of, queries_run
from tests.runs import only_on

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
REPORTED_MONTH = date(2025, 11, 1)
CONSENTS = 6000
# The report's grouped queries other than the count of consents in force, over the events and the stops.
OTHER_TABLES = ("consents_consentevent", "consents_withdrawalduty")


def _report_queries(first: date) -> list[tuple[str, list]]:
    """The grouped queries the report of the month starting on `first` runs, with their parameters."""
    run = queries_run(lambda: consent_report_month(first))
    return [(sql, params) for sql, params in run if "GROUP BY" in sql]


def _indexes_used(query: tuple[str, list], table: str) -> set[str]:
    """The indexes the plan reads `table` through: PostgreSQL's own reading (tests/plans.py, which counts
    a partition's share of an index as the index), or SQLite's query plan."""
    if connection.vendor == "postgresql":
        return set(index_reads(query, table))
    sql, params = query
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    return set(re.findall(r"USING (?:COVERING )?INDEX (\w+)", plan))


@pytest.fixture
def two_years():
    """6,000 consents to marketing granted evenly from December 2024 to November 2026, half of them
    withdrawn or, one in ten, expired a day later, and one in ten voided as recorded in error a day later,
    each withdrawal, void and expiry owing its partner a stop: every grant and end with its event."""
    partner = make_recipient("Bảo hiểm Đối tác")
    purpose = make_purpose("marketing", recipients=[partner], effective_at=datetime(2024, 1, 1, tzinfo=VN))
    start = datetime(2024, 12, 1, tzinfo=VN)
    step = (datetime(2026, 12, 1, tzinfo=VN) - start) / CONSENTS
    rows = []
    for n, subject in enumerate(subjects_in_bulk(CONSENTS)):
        granted = start + step * n
        row = {"subject": subject, "granted_at": granted, "status": ConsentStatus.GRANTED}
        if n % 10 == 3:
            row |= {"status": ConsentStatus.EXPIRED, "ended_at": granted + timedelta(days=1)}
        elif n % 2:
            ended = granted + timedelta(days=1)
            row |= {"status": ConsentStatus.WITHDRAWN, "ended_at": ended, "withdrawn_at": ended}
        elif n % 10 == 0:
            row |= {"status": ConsentStatus.VOIDED, "ended_at": granted + timedelta(days=1)}
        rows.append(row)
    consents = consents_in_bulk(purpose, rows)
    events = [(consent, ConsentStatus.GRANTED, consent.granted_at) for consent in consents]
    events += [(c, c.status, c.ended_at) for c in consents if c.ended_at]
    ConsentEvent.objects.bulk_create(
        ConsentEvent(consent=consent, subject_id=consent.subject_id, kind=kind, at=at, channel="branch",
                     actor_kind="system", actor_label="tests")
        for consent, kind, at in events
    )
    WithdrawalDuty.objects.bulk_create(
        WithdrawalDuty(consent=c, subject_id=c.subject_id, recipient=partner, received_at=c.ended_at,
                       due_at=c.ended_at + timedelta(hours=72), status=WithdrawalDuty.Status.ACKNOWLEDGED,
                       acknowledged_at=c.ended_at + timedelta(hours=5))
        for c in consents if c.ended_at
    )
    analyzed(Consent, ConsentEvent, WithdrawalDuty)


def test_the_report_reads_the_month_of_events_by_its_time(two_years):
    (events,) = [query for query in _report_queries(REPORTED_MONTH) if "consents_consentevent" in query[0]]
    assert "consent_event_at" in _indexes_used(events, ConsentEvent._meta.db_table)


def test_the_report_finds_the_months_withdrawals_by_their_time(two_years):
    (stops,) = [query for query in _report_queries(REPORTED_MONTH) if "consents_withdrawalduty" in query[0]]
    assert "consent_withdrawn_at" in _indexes_used(stops, Consent._meta.db_table)


def test_the_report_finds_the_months_voids_by_their_time(two_years):
    (stops,) = [query for query in _report_queries(REPORTED_MONTH) if "consents_withdrawalduty" in query[0]]
    assert "consent_voided_at" in _indexes_used(stops, Consent._meta.db_table)


@only_on("postgresql", "SQLite's planner proves no partial index from an IN list of bound parameters")
def test_the_report_finds_the_months_expiries_by_their_time(two_years):
    (stops,) = [query for query in _report_queries(REPORTED_MONTH) if "consents_withdrawalduty" in query[0]]
    assert "consent_lapsed_at" in _indexes_used(stops, Consent._meta.db_table)


def _consents_queries(grouped: list) -> list:
    return [query for query in grouped if not any(other in query[0] for other in OTHER_TABLES)]


@only_on("postgresql", "SQLite's planner proves no partial index from bound parameters")
def test_the_report_finds_the_terms_run_out_unrecorded_from_the_expiry_index(two_years):
    (unrecorded,) = [query for query in _consents_queries(_report_queries(REPORTED_MONTH))
                     if "ended_at" not in query[0]]
    assert "consent_expiry_due" in _indexes_used(unrecorded, Consent._meta.db_table)


# How long a VACUUM may wait for the sessions that hold back the horizon: CI runs the read-replica set-up
# and the benchmarks beside the suite, and a transaction of theirs seen by this database keeps the new
# rows from being vouched for until it ends.
VISIBILITY_WAIT_SECONDS = 60


def _vacuumed(table: str) -> None:
    """Rewrite `table` and its indexes around the rows it holds (VACUUM FULL), then VACUUM it until its
    visibility map vouches for every page, as autovacuum's later runs leave it: one run right after the
    rows were written may still see a transaction that began before them (another session's, on a busy
    server) and leave their pages unmarked. The rewrite drops the pages the suite's rolled-back tests
    left behind, which VACUUM empties but keeps: in a whole directory's run autovacuum had let this
    test's rows fill the table's from the start while `consent_in_force` stayed nine times its size, and
    reading the table whole then cost less than the index, whatever the rows. On failure, the sessions
    still holding the horizon back are named."""
    deadline = time.monotonic() + VISIBILITY_WAIT_SECONDS
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Again on each try: a rewrite under a held horizon keeps the dead rows it could not drop.
            cursor.execute(f"VACUUM FULL {quoted}")
            cursor.execute(f"VACUUM ANALYZE {quoted}")
            cursor.execute("SELECT relallvisible >= relpages FROM pg_class WHERE oid = %s::regclass", [table])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.5)
        cursor.execute(
            "SELECT pid, datname, state, backend_xmin, left(query, 80) FROM pg_stat_activity "
            "WHERE backend_xmin IS NOT NULL AND pid <> pg_backend_pid()"
        )
        holders = cursor.fetchall()
    pytest.fail(f"VACUUM left pages of {table} not all-visible for {VISIBILITY_WAIT_SECONDS} s: {holders}")


@pytest.mark.django_db(transaction=True)
@only_on("postgresql", "an index-only scan is PostgreSQL's, and needs a VACUUM, so the rows are committed")
def test_the_report_counts_the_consents_in_force_at_start_and_end_from_the_index_alone(two_years):
    """An index-only scan reads the table for the rows the visibility map does not vouch for, which
    rows written in a test's transaction never are: this test commits them and VACUUMs the table."""
    table = Consent._meta.db_table
    _vacuumed(table)
    grouped = _report_queries(REPORTED_MONTH)
    # In force at the start of the month and at its end (by when they ended; beside them the terms run
    # out that the sweep has not recorded).
    at_start, at_end = [query for query in _consents_queries(grouped) if "ended_at" in query[0]]
    for in_force in (at_start, at_end):
        assert index_reads(in_force, table) == ["consent_in_force"]
        reads = [node["Node Type"] for node in nodes(plan_of(in_force)) if node.get("Relation Name") == table]
        assert reads == ["Index Only Scan"]


def test_every_partition_of_the_events_has_the_index_and_a_new_month_gets_it():
    """Built partition by partition (core.schema.AddIndexOnline), the index is valid only once every
    partition's is attached to it; a month created later gets its own with the table."""
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's; SQLite keeps plain tables")
    with connection.cursor() as cursor:
        partitions_ensure(connection, today=date(2031, 1, 1), months_ahead=0)
        cursor.execute(
            "SELECT x.indisvalid, (SELECT array_agg(t.relname ORDER BY t.relname) FROM pg_inherits i "
            "JOIN pg_index y ON y.indexrelid = i.inhrelid JOIN pg_class t ON t.oid = y.indrelid "
            "WHERE i.inhparent = x.indexrelid) "
            "FROM pg_index x WHERE x.indexrelid = 'consent_event_at'::regclass"
        )
        valid, indexed = cursor.fetchone()
        partitions = partitions_of(cursor, "consents_consentevent")
    assert valid
    assert "consents_consentevent_y2031m01" in partitions
    assert indexed == partitions
