"""The recipients' duty lists read the duties in their order through an index, whatever the number of
duties withdrawals ever opened (docs/consents.md, "Indexes"): the list the first due first on
`duty_due`, and the page's latest acknowledged on `duty_acknowledged_latest`, instead of sorting every
duty for each page.

The plans are PostgreSQL's, chosen with its settings as they are, over some thousand duties (tests/plans.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import ConsentStatus, WithdrawalDuty
from consents.selectors import withdrawal_duties
from tests.consents.factories import consents_in_bulk, make_purpose, make_recipient
from tests.factories import subjects_in_bulk
from tests.plans import index_reads, sorts_read_rows
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
TABLE = WithdrawalDuty._meta.db_table


@pytest.fixture
def duties():
    """4,000 withdrawals over the last year, each owing a stop to one of three recipients: most
    acknowledged, one in ten still open."""
    now = timezone.now()
    recipients = [make_recipient(f"Partner {n}") for n in range(3)]
    rows = []
    for n, subject in enumerate(subjects_in_bulk(4000)):
        withdrawn = now - timedelta(minutes=131 * n)
        rows.append(
            {
                "subject": subject,
                "granted_at": withdrawn - timedelta(days=30),
                "status": ConsentStatus.WITHDRAWN,
                "ended_at": withdrawn,
                "withdrawn_at": withdrawn,
            }
        )
    consents = consents_in_bulk(make_purpose("marketing"), rows)
    WithdrawalDuty.objects.bulk_create(
        WithdrawalDuty(
            consent=consent,
            subject_id=consent.subject_id,
            recipient=recipients[n % 3],
            received_at=consent.withdrawn_at,
            due_at=consent.withdrawn_at + timedelta(hours=72),
            status=WithdrawalDuty.Status.OPEN if n % 10 == 0 else WithdrawalDuty.Status.ACKNOWLEDGED,
            acknowledged_at=None if n % 10 == 0 else consent.withdrawn_at + timedelta(hours=n % 70),
        )
        for n, consent in enumerate(consents)
    )
    return now


@pytest.mark.parametrize("narrowed", [{}, {"status": "acknowledged"}])
def test_a_page_of_the_list_reads_the_first_due_in_the_index_order(duties, narrowed):
    page = withdrawal_duties(now=duties).filter(**narrowed)[:50]
    assert index_reads(page, TABLE) == ["duty_due"]
    assert not sorts_read_rows(page, TABLE)


def test_the_latest_acknowledged_are_read_in_the_index_order(duties):
    latest = withdrawal_duties(now=duties, latest_acknowledged_first=True).filter(status="acknowledged")[:10]
    assert index_reads(latest, TABLE) == ["duty_acknowledged_latest"]
    assert not sorts_read_rows(latest, TABLE)
