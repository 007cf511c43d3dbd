"""The staff queue and the API list of requests read the requests in their order through an index,
whatever the number of requests ever received (docs/requests.md, "Indexes"): open requests by binding
date then closed ones newest first on `dsr_queue_by_answer` (an index on the very expression the queue
sorts by), and the requests closed in a period on `dsr_closed`, instead of sorting every request for
each page. The deadline report's grouped queries take the requests open now, closed in the period or
acknowledged in it, one condition OR-ed over three, which PostgreSQL serves with one index per branch
(a BitmapOr) only when each branch has one, the acknowledged requests `dsr_acknowledged`: without it,
every request is read.

The plans are PostgreSQL's, chosen with its settings as they are, over some thousand requests
(tests/plans.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.policy import LOCAL_TZ, add_months, local_month
from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report, monthly_figures, on_time_trend
from dsr.selectors import request_queue
from tests.factories import subjects_in_bulk
from tests.plans import analyzed, index_reads, queries_run, sorts_read_rows
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
TABLE = DataSubjectRequest._meta.db_table


@pytest.fixture
def requests():
    """5,000 requests received over two years, each acknowledged an hour after it arrived; one in twenty
    still open."""
    now = timezone.now()
    subjects = subjects_in_bulk(500)

    def request(n: int) -> DataSubjectRequest:
        received = now - timedelta(hours=3 * n)
        closed = n % 20 != 0
        return DataSubjectRequest(
            subject=subjects[n % len(subjects)],
            type=("access", "delete", "copy")[n % 3],
            channel="branch",
            status="completed" if closed else "received",
            received_at=received,
            acknowledged_at=received + timedelta(hours=1),
            acknowledge_by=received + timedelta(days=2),
            due_at=received + timedelta(hours=72),
            statutory_due_at=received + timedelta(days=10),
            identity_verified_at=received if closed else None,
            closed_at=received + timedelta(hours=n % 70) if closed else None,
        )

    DataSubjectRequest.objects.bulk_create(request(n) for n in range(5000))
    return now


@pytest.mark.parametrize("narrowed", [{}, {"type": "delete"}, {"status": "completed"}])
def test_a_page_of_the_queue_reads_the_requests_in_the_index_order(requests, narrowed):
    page = request_queue(now=requests, base=DataSubjectRequest.objects.filter(**narrowed))[:50]
    assert index_reads(page, TABLE) == ["dsr_queue_by_answer"]
    assert not sorts_read_rows(page, TABLE)


def test_the_requests_closed_in_a_period_are_read_by_their_closing_time(requests):
    # Sixty days hold some 470 closed requests, a page of 50: reading them in order through the index
    # costs a seventh of sorting them. Over fourteen days (about 100 rows) the two plans were within a
    # factor of two, and the planner chose the sort in one CI run of three.
    page = request_queue(now=requests, closed_since=requests - timedelta(days=60))[:50]
    assert index_reads(page, TABLE) == ["dsr_closed"]
    assert not sorts_read_rows(page, TABLE)
    (trend,) = queries_run(lambda: on_time_trend(now=requests, weeks=2))
    assert index_reads(trend, TABLE) == ["dsr_closed"]


def test_the_deadline_report_reads_the_open_closed_and_acknowledged_requests_by_index(requests):
    now = requests
    run = queries_run(lambda: deadline_report(now=now, since=now - timedelta(days=7), until=now))
    of_requests = [
        (sql, params) for sql, params in run if "acknowledged_at" in sql and f'FROM "{TABLE}"' in sql
    ]
    grouped = [(sql, params) for sql, params in of_requests if "GROUP BY" in sql]
    assert len(grouped) == 2  # by type, by channel
    for query in grouped:
        reads = index_reads(query, TABLE)
        assert "Seq Scan" not in reads
        assert {"dsr_closed", "dsr_acknowledged"} <= set(reads)
    # The requests to act on (past a deadline or the acknowledgement's, or due soon): a page and its count,
    # both among the open requests only.
    to_act_on = [query for query in of_requests if query not in grouped]
    assert len(to_act_on) == 2
    for query in to_act_on:
        reads = index_reads(query, TABLE)
        assert reads and "Seq Scan" not in reads


def test_the_monthly_figures_read_only_the_requests_the_month_can_count(requests):
    """Open now, closed since the month began or acknowledged in it: not every request ever received.
    Read with the table's statistics, as autovacuum keeps them: on the estimates of a table never analysed
    (whether autovacuum had come by yet decided it) the planner sometimes read every request instead."""
    analyzed(DataSubjectRequest)
    since, until = local_month(add_months(timezone.localtime(requests, LOCAL_TZ).date().replace(day=1), -1))
    (month,) = queries_run(lambda: monthly_figures(since=since, until=until))
    reads = index_reads(month, TABLE)
    assert "Seq Scan" not in reads
    # The open requests come from any of the partial indexes on open requests (they all qualify).
    assert {"dsr_closed", "dsr_acknowledged"} <= set(reads)
