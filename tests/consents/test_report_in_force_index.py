"""The consent report counts the consents in force at the end of a month from an index alone, not by
reading every consent ever given (docs/consents.md, "Indexes"): those in force then are the ones that
had not ended by then, still live or ended after it, a range of `consent_in_force` (on when a consent
ended, a live one last), which also carries the columns the count reads, so that only the index is
read (an index-only scan), however many consents have ended before.

Each query is the one the selector runs, explained with PostgreSQL's planner settings as they are
(tests/plans.py), over two years of consents, three in four ended a day after they were given, after a
VACUUM, as autovacuum leaves a table: an index-only scan reads the table for the rows the visibility map
does not vouch for, which rows written in a test's transaction never are, so this test commits.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from consents.models import Consent, ConsentStatus
from consents.selectors.report import consent_report_month
from tests.consents.factories import consents_in_bulk, make_purpose
from tests.factories import subjects_in_bulk
from tests.plans import index_reads, nodes, plan_of, queries_run
from tests.runs import only_on

pytestmark = [
    pytest.mark.django_db(transaction=True),
    only_on("postgresql", "the plans checked are PostgreSQL's, after a VACUUM"),
]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TABLE = Consent._meta.db_table
CONSENTS = 8000
# The report's other grouped queries, over the events and the stops.
OTHER_TABLES = ("consents_consentevent", "consents_withdrawalduty")


@pytest.fixture
def two_years():
    """8,000 consents to marketing given evenly from December 2024 to November 2026; one in four still
    in force, the others withdrawn a day after they were given."""
    purpose = make_purpose("marketing", effective_at=datetime(2024, 1, 1, tzinfo=VN))
    start = datetime(2024, 12, 1, tzinfo=VN)
    step = (datetime(2026, 12, 1, tzinfo=VN) - start) / CONSENTS
    rows = []
    for n, subject in enumerate(subjects_in_bulk(CONSENTS)):
        granted = start + step * n
        row = {"subject": subject, "granted_at": granted, "status": ConsentStatus.GRANTED}
        if n % 4:
            ended = granted + timedelta(days=1)
            row |= {"status": ConsentStatus.WITHDRAWN, "ended_at": ended, "withdrawn_at": ended}
        rows.append(row)
    consents_in_bulk(purpose, rows)
    _vacuumed(TABLE)


def _vacuumed(table: str) -> None:
    """VACUUM `table` until its visibility map vouches for every page, as autovacuum's later runs leave
    it: one run right after the rows were written may still see a transaction that began before them
    (another session's, on a busy server) and leave their pages unmarked."""
    with connection.cursor() as cursor:
        for _ in range(40):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
            cursor.execute("SELECT relallvisible >= relpages FROM pg_class WHERE oid = %s::regclass", [table])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.25)
    pytest.fail(f"VACUUM left pages of {table} not all-visible for 10 s")


def test_the_consents_in_force_at_the_end_are_counted_from_the_index_alone(two_years):
    now = datetime(2026, 12, 15, tzinfo=VN)
    run = queries_run(lambda: consent_report_month(date(2026, 10, 1), now=now))
    (in_force,) = [
        (sql, params) for sql, params in run
        if "GROUP BY" in sql and not any(other in sql for other in OTHER_TABLES)
    ]
    assert index_reads(in_force, TABLE) == ["consent_in_force"]
    reads = [node["Node Type"] for node in nodes(plan_of(in_force)) if node.get("Relation Name") == TABLE]
    assert reads == ["Index Only Scan"]
