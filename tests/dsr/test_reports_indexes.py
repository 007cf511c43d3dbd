"""The deadline report reads the requests it counts through indexes, not every request ever received
(docs/requests.md, "Indexes"): its grouped queries take the requests open now, closed in the period or
acknowledged in it, one condition OR-ed over three, which PostgreSQL serves with one index per branch
(a BitmapOr) only when each branch has one: the open requests their partial indexes, the closed ones
`dsr_closed`, the acknowledged ones `dsr_acknowledged`. Without the last, the whole table is read.

The plans are PostgreSQL's, chosen with its settings as they are, over some thousand requests
(tests/plans.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report
from tests.factories import subjects_in_bulk
from tests.plans import index_reads, queries_run
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
TABLE = DataSubjectRequest._meta.db_table


@pytest.fixture
def two_years():
    """6,000 requests received over two years, each acknowledged an hour after it arrived; one in
    twenty still open, the rest closed within three days."""
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

    DataSubjectRequest.objects.bulk_create(request(n) for n in range(6000))
    return now


def test_the_report_reads_the_open_closed_and_acknowledged_requests_by_index(two_years):
    now = two_years
    run = queries_run(lambda: deadline_report(now=now, since=now - timedelta(days=7), until=now))
    grouped = [(sql, params) for sql, params in run if "acknowledged_at" in sql and f'FROM "{TABLE}"' in sql]
    assert len(grouped) == 2  # by type, by channel
    for query in grouped:
        reads = index_reads(query, TABLE)
        assert "Seq Scan" not in reads
        assert {"dsr_closed", "dsr_acknowledged"} <= set(reads)
