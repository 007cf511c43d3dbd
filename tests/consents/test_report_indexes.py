"""The consent report reads a month through indexes, not the whole history (bench/consent_report.py):
its grouped query over the events finds the month's events by `at` (`consent_event_at`), and its query
of the stops finds the month's withdrawals by `withdrawn_at` (`consent_withdrawn_at`).

Each query is the one the selector runs (recorded as it runs, with its parameters), explained with the
database's own EXPLAIN. On PostgreSQL sequential scans are switched off for the EXPLAIN: on a test's
few rows a scan is cheapest whatever the indexes, and with it off the plan shows whether an index
serves the query's conditions. On a large table the planner picks the index itself (the benchmark's
plans, docs/consents.md)."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from consents import services
from consents.selectors.report import consent_report_month
from core.partitions import partitions_ensure, partitions_of
from tests.consents.factories import APP, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The events index, or on PostgreSQL a partition's share of it (`<partition>_at_idx`).
EVENTS_INDEX = re.compile(r"^(consent_event_at|consents_consentevent_\w+?(?<!_subject_id)_at_idx)$")


def _report_queries(first: date) -> list[tuple[str, list]]:
    """The grouped queries the report of the month starting on `first` runs, with their parameters."""
    queries = []

    def record(execute, sql, params, many, context):
        queries.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        consent_report_month(first)
    return [(sql, params) for sql, params in queries if "GROUP BY" in sql]


def _indexes_used(sql: str, params: list) -> set[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            return set(re.findall(r"(?:Index Scan using|Index Only Scan using|Index Scan on) (\w+)", plan))
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(row[-1] for row in cursor.fetchall())
        return set(re.findall(r"USING (?:COVERING )?INDEX (\w+)", plan))


@pytest.fixture
def november():
    """A grant and a withdrawal with its stop in November 2026 (local time)."""
    purpose = make_purpose("marketing", recipients=[make_recipient("Bảo hiểm Đối tác")],
                           effective_at=datetime(2026, 1, 1, tzinfo=VN))
    consent = grant(make_subject(), purpose, now=datetime(2026, 11, 2, 9, tzinfo=VN))
    services.consent_withdraw(actor=APP, consent_id=consent.pk, channel="mobile_app",
                              now=datetime(2026, 11, 4, 9, tzinfo=VN))


def test_the_report_reads_the_month_of_events_by_its_time(november):
    (events,) = [query for query in _report_queries(date(2026, 11, 1))
                 if "consents_consentevent" in query[0]]
    used = _indexes_used(*events)
    assert any(EVENTS_INDEX.match(name) for name in used), used


def test_the_report_finds_the_months_withdrawals_by_their_time(november):
    (stops,) = [query for query in _report_queries(date(2026, 11, 1))
                if "consents_withdrawalduty" in query[0]]
    assert "consent_withdrawn_at" in _indexes_used(*stops)


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
