"""`visible_request_detail` loads a request the user may see with its detail in one query (and its
prefetches): whether the user may see it is part of that query, not a query of its own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dsr.selectors import visible_request_detail
from tests.dsr.factories import make_request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

REQUEST_TABLE = 'FROM "dsr_datasubjectrequest"'


def test_staff_read_the_detail_in_one_query_of_the_request_table(privacy_officer, subject):
    request = make_request(subject)
    with CaptureQueriesContext(connection) as queries:
        found = visible_request_detail(privacy_officer, request.pk)
        assert list(found.status_changes.all()) and found.guardian is None
    assert found.pk == request.pk
    assert sum(REQUEST_TABLE in q["sql"] for q in queries.captured_queries) == 1


def test_a_customer_reaches_only_their_own(subject):
    own = make_customer(subject=subject)
    stranger = make_customer()
    request = make_request(subject)
    assert visible_request_detail(own, request.pk).pk == request.pk
    assert visible_request_detail(stranger, request.pk) is None
