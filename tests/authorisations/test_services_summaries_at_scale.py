"""The daily 90-day summaries at a bank's size: hundreds of thousands of customers with an active
authorisation. The job read every one of them into a dict, then asked for their latest summaries with all
their ids in one IN list, and did so again for each batch of 500 it re-queued itself for. Now the
customers due are chosen in the database, a batch at a time, in one query whose size does not grow
with the customers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authorisations import services
from authorisations.models import SummaryNotice
from tests.authorisations.factories import authorise, register
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _longest_query(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.authorisations_send_summaries(now=now, limit=1)
    return max(len(q["sql"]) for q in queries)


def test_choosing_the_customers_due_costs_the_same_however_many_have_authorisations():
    now = timezone.now()
    registration = register()
    later = now + timedelta(days=90)
    for _ in range(2):
        authorise(make_customer(), registration=registration, days=365, now=now)
    services.authorisations_send_summaries(now=later)  # both told: none due now
    with_2 = _longest_query(later + timedelta(days=1))
    for _ in range(8):
        authorise(make_customer(), registration=registration, days=365, now=now)
    services.authorisations_send_summaries(now=later)
    assert SummaryNotice.objects.count() == 10

    assert _longest_query(later + timedelta(days=1)) == with_2


def test_a_batch_takes_the_customers_due_and_the_next_run_the_rest():
    now = timezone.now()
    registration = register()
    customers = [make_customer() for _ in range(3)]
    for customer in customers:
        authorise(customer, registration=registration, days=365, now=now)
    told = make_customer()
    authorise(told, registration=registration, days=365, now=now)
    services.authorisations_send_summaries(now=now + timedelta(days=90), limit=10)
    later = now + timedelta(days=100)
    SummaryNotice.objects.exclude(subject=told.customer_account.subject).delete()

    assert services.authorisations_send_summaries(now=later, limit=2) == 2
    assert services.authorisations_send_summaries(now=later, limit=2) == 1
    assert services.authorisations_send_summaries(now=later, limit=2) == 0
    sent = set(SummaryNotice.objects.filter(last_sent_at=later).values_list("subject_id", flat=True))
    assert sent == {c.customer_account.subject.pk for c in customers}
