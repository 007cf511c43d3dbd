"""The ids a lock holds go back to PostgreSQL as one array parameter (`core.db.any_of`). With one
parameter per id, a suspension of tens of thousands of customers sent its held ids twice as huge IN
lists, and the deadline sweep repeated its customers (up to 2,000 per clock) in every clock's
subquery: tens of thousands of parameters in one statement."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction

from core.db import first_of
from dsr.models import DataSubjectRequest
from dsr.services.base import requests_crossing_locked
from subjects.locks import of_customers_locked
from tests.dsr.factories import MONDAY, make_request
from tests.factories import make_subject
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "one array parameter")]

CUSTOMERS = 30


@pytest.fixture
def requests_of_many_customers() -> list[DataSubjectRequest]:
    return [make_request(make_subject(), type="complaint", now=MONDAY) for _ in range(CUSTOMERS)]


def _parameters_sent(run) -> tuple[object, list[int]]:
    """What `run()` returned, and how many parameters each statement it sent carried."""
    counts: list[int] = []

    def count(execute, sql, params, many, context):
        counts.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        return run(), counts


def test_a_calendar_change_sends_the_customers_it_holds_as_one_parameter(requests_of_many_customers):
    with transaction.atomic():
        locked, counts = _parameters_sent(lambda: requests_crossing_locked(day=date(2026, 3, 10)))
    assert {request.pk for request in locked} == {request.pk for request in requests_of_many_customers}
    assert max(counts) < CUSTOMERS, counts


def test_a_sweep_sends_the_customers_it_holds_once_per_queue_as_one_parameter(requests_of_many_customers):
    queues = [DataSubjectRequest.objects.filter(type="complaint"), DataSubjectRequest.objects.all()]

    def sweep_reads():
        # As the sweep reads its items: the first of every queue, in one statement (`_overdue_locked`).
        mine = of_customers_locked(*queues, customer="subject_id", limit=1000)
        first = DataSubjectRequest.objects.filter(first_of(mine, "pk", 1000))
        return list(first.values_list("pk", flat=True))

    with transaction.atomic():
        read, counts = _parameters_sent(sweep_reads)
    assert len(read) == CUSTOMERS
    assert max(counts) < CUSTOMERS, counts
