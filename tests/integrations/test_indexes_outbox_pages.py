"""The outbox pages read their few messages through indexes, not the whole outbox (docs/reliability.md,
"Indexes of the outbox pages"): the DPO's parked messages newest first on `outbox_parked`, an endpoint's
delivery log newest first on `outbox_endpoint_latest`. The outbox is partitioned by month on
PostgreSQL; each partition's share of the index is read (tests/plans.py).

The plans are PostgreSQL's, chosen with its settings as they are, over some thousand messages.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from integrations.models import OutboxMessage
from integrations.outbox import outbox_parked
from integrations.selectors import webhook_deliveries
from tests.factories import make_webhook
from tests.plans import index_reads, queries_run, sorts_read_rows
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
TABLE = OutboxMessage._meta.db_table


@pytest.fixture
def outbox():
    """4,000 webhooks queued this month, three quarters to one endpoint, all sent but four parked."""
    endpoints = [make_webhook(get_user_model().objects.create(username=f"system{n}")) for n in range(4)]
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind=OutboxMessage.Kind.WEBHOOK,
            topic="consent.withdrawn",
            endpoint=endpoints[min(n % 8, 3)],
            payload="{}",
            next_attempt_at=now,
            status="parked" if n % 1000 == 0 else "sent",
        )
        for n in range(4000)
    )
    return endpoints[0]


def _read_by(call):
    """The one query `call` reads the outbox with."""
    (query,) = [query for query in queries_run(call) if index_reads(query, TABLE)]
    return query


def test_the_parked_messages_are_read_newest_first_on_their_index(outbox):
    # Only the parked are read: sorting those few after reading them costs nothing.
    assert index_reads(_read_by(outbox_parked), TABLE) == ["outbox_parked"]
    assert len(outbox_parked()) == 4


def test_an_endpoints_delivery_log_is_read_newest_first_on_its_index(outbox):
    query = _read_by(lambda: webhook_deliveries(endpoint=outbox))
    assert index_reads(query, TABLE) == ["outbox_endpoint_latest"]
    assert not sorts_read_rows(query, TABLE)
