"""The consent list and the hourly expiry sweep read consents through an index, whatever the size of the
table (docs/consents.md, "Indexes"): the list the latest granted first on `consent_granted`, in its
order, instead of sorting every consent for each page; the sweep the live consents past their expiry on
`consent_expiry_due`, instead of reading every consent each hour.

The plans are PostgreSQL's, chosen with its settings as they are, over a table of some thousand
consents: enough for reading it whole to cost more than the index (tests/plans.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentStatus
from consents.selectors import consent_list
from consents.services import consents_expire_due
from tests.consents.factories import consents_in_bulk, make_purpose
from tests.factories import subjects_in_bulk
from tests.plans import index_reads, queries_run, sorts_read_rows
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
TABLE = Consent._meta.db_table
CONSENTS = 4000


@pytest.fixture
def consents():
    """4,000 consents to four purposes granted over the last year: most ended, a quarter in force (a few
    of those with an expiry, one of them past it)."""
    now = timezone.now()
    purposes = [make_purpose(code) for code in ("marketing", "partners", "cross-border", "biometrics")]
    rows = {purpose: [] for purpose in purposes}
    for n, subject in enumerate(subjects_in_bulk(CONSENTS)):
        granted = now - timedelta(minutes=131 * n)
        ended = granted + timedelta(days=1)
        row = {
            "subject": subject,
            "granted_at": granted,
            "status": ConsentStatus.WITHDRAWN,
            "ended_at": ended,
            "withdrawn_at": ended,
        }
        if n % 4 == 0:
            row = {
                "subject": subject,
                "granted_at": granted,
                "status": ConsentStatus.GRANTED,
                "expires_at": now + timedelta(days=n - 10) if n % 100 == 0 else None,
            }
        rows[purposes[n % len(purposes)]].append(row)
    for purpose, of_purpose in rows.items():
        consents_in_bulk(purpose, of_purpose)
    return now


@pytest.mark.parametrize("narrowed", [{}, {"status": "withdrawn"}])
def test_a_page_of_the_list_reads_the_latest_granted_in_the_index_order(consents, narrowed):
    page = consent_list().filter(**narrowed)[:50]
    assert index_reads(page, TABLE) == ["consent_granted"]
    assert not sorts_read_rows(page, TABLE)


def test_the_expiry_sweep_reads_the_live_consents_past_their_expiry_only(consents):
    run = queries_run(lambda: consents_expire_due(now=consents))
    reads = [read for query in run if (read := index_reads(query, TABLE))]
    assert reads
    assert all(read == ["consent_expiry_due"] for read in reads), reads
    assert Consent.objects.filter(status=ConsentStatus.EXPIRED).count() == 1
