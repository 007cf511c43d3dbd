"""The request queue (page and API list) costs the same queries with 20 requests as with 2: the
customer, the assignee and the deadlines of each row come with the list, not one query per row."""

from __future__ import annotations

import pytest

from dsr import services
from tests.consents.factories import child_of
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _requests(count: int, *, assignee) -> None:
    """Requests of every kind the queue shows: assigned or not, filed by a guardian for a ward, closed."""
    for n in range(count):
        customer = make_subject()
        if n % 3 == 0:
            request = make_request(child_of(customer, age=12), type="access", guardian=customer)
        else:
            request = make_request(customer, type=("copy", "complaint")[n % 2], details="A question")
        if n % 2:
            services.request_assign(actor=STAFF, request_id=request.pk, assignee=assignee)
        if n % 5 == 4:
            services.request_cancel(actor=STAFF, request_id=request.pk)


@pytest.mark.parametrize("url", ["/en/portal/requests/", "/en/portal/requests/?due=attention"])
def test_the_queue_page_does_not_query_per_request(privacy_officer, url):
    client = signed_in(privacy_officer)
    _requests(2, assignee=privacy_officer)
    with_2 = queries_of(lambda: client.get(url))
    _requests(18, assignee=privacy_officer)
    with_20 = queries_of(lambda: client.get(url))

    assert with_20 == with_2


def test_the_request_list_api_does_not_query_per_request(privacy_officer, as_user):
    client = as_user(privacy_officer)
    _requests(2, assignee=privacy_officer)
    with_2 = queries_of(lambda: client.get("/api/v1/requests/", {"limit": 100}))
    _requests(18, assignee=privacy_officer)
    with_20 = queries_of(lambda: client.get("/api/v1/requests/", {"limit": 100}))

    assert with_20 == with_2
    assert client.get("/api/v1/requests/", {"limit": 100}).json()["count"] == 20
