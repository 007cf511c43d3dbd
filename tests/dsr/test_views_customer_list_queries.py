"""The customer's list of requests words a cancellation by who made it ("Cancelled by you", or recorded by
the bank) in a fixed number of queries, however many of the requests were cancelled."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.actors import actor_for_user
from dsr import services
from tests.dsr.factories import STAFF, make_request
from tests.pages import translated

pytestmark = pytest.mark.django_db

BY_YOU = translated("Cancelled by you", "vi")
BY_THE_BANK = translated("Cancelled at your request (recorded by the bank)", "vi")


def _cancelled(customer, count: int) -> None:
    subject = customer.customer_account.subject
    for _ in range(count):
        request = make_request(subject, channel="internet_banking")
        services.request_cancel(actor=actor_for_user(customer), request_id=request.pk)


def _list(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dsr:me_requests"))
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_list_reads_a_fixed_number_of_queries_however_many_requests_were_cancelled(logged_in, customer_a):
    client = logged_in(customer_a)
    _cancelled(customer_a, 1)
    with_one, _page = _list(client)
    _cancelled(customer_a, 4)
    with_five, page = _list(client)
    assert page.count(BY_YOU) == 5
    assert with_five == with_one


def test_a_cancellation_the_bank_recorded_is_not_worded_as_the_customers(logged_in, customer_a):
    subject = customer_a.customer_account.subject
    _cancelled(customer_a, 1)
    by_the_bank = make_request(subject)
    services.request_cancel(actor=STAFF, request_id=by_the_bank.pk)
    _queries, page = _list(logged_in(customer_a))
    assert page.count(BY_YOU) == 1
    assert page.count(BY_THE_BANK) == 1
