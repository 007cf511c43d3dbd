"""The customer page's consent history reads the customer's events through indexes, not every event of
every customer (docs/consents.md, "Indexes"): their own by `consent_event_subject_at`, those of the
consents they gave as a child's guardian by the events' consent index, each consent found first on the
consents' guardian index. One condition "the customer's, or of a consent they gave as guardian" across
the join to the consents could be served by no index, and read both tables whole on every page view.

The plans are PostgreSQL's, chosen with its settings as they are, over some thousand consents and their
events (tests/plans.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent, ConsentStatus
from consents.selectors import consent_history_of, consent_timeline_head
from core.partitions import month_bounds
from tests.consents.factories import consents_in_bulk, make_purpose
from tests.factories import subjects_in_bulk
from tests.plans import index_reads, queries_run
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
EVENTS, CONSENTS = ConsentEvent._meta.db_table, Consent._meta.db_table


@pytest.fixture
def family():
    """A guardian with a consent of their own and one they gave for their ward, among 3,000 customers'
    consents granted this month, each with its grant event (all in this month's partition)."""
    month, _next = month_bounds(timezone.now().date())
    now = month + timedelta(days=1)
    guardian, ward, *others = subjects_in_bulk(3002)
    rows = [{"subject": other, "granted_at": now - timedelta(seconds=n)} for n, other in enumerate(others)]
    rows += [
        {"subject": guardian, "granted_at": now},
        {"subject": ward, "guardian": guardian, "granted_at": now},
    ]
    consents = consents_in_bulk(make_purpose("marketing"), rows)
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            consent=consent,
            subject_id=consent.subject_id,
            kind=ConsentStatus.GRANTED,
            at=consent.granted_at,
            actor_kind="system",
            actor_label="tests",
        )
        for consent in consents
    )
    return guardian, consents[-2:]


def test_the_history_reads_the_customers_events_through_indexes(family):
    guardian, theirs = family
    run = queries_run(lambda: consent_timeline_head(guardian, 20))
    events = [read for query in run if (read := index_reads(query, EVENTS))]
    assert events and all("Seq Scan" not in read for read in events), events
    assert any("consent_event_subject_at" in read for read in events), events
    consents = [read for query in run if (read := index_reads(query, CONSENTS))]
    assert all("Seq Scan" not in read for read in consents), consents

    shown, total = consent_timeline_head(guardian, 20)
    assert total == 2
    assert {event.consent_id for event in shown} == {consent.pk for consent in theirs}
    assert {event.consent_id for event in consent_history_of(guardian)} == {consent.pk for consent in theirs}
