"""A curious agent cannot open a famous customer's full record by typing any number: the reason "a
data-subject request or complaint" must name one of this customer's requests (or one they filed as
guardian), by the reference the customer quotes. Another customer's request, or a number no request has,
is refused on the form and the values stay masked."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from dsr.models import request_reference
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _reveal(client, customer, note):
    return client.post(f"/en/portal/customers/{customer.pk}/", {"reason": "request", "note": note})


def _revealed_views(customer) -> int:
    return AuditEntry.objects.filter(
        action="core.subject.viewed", subject_id=customer.pk, data__revealed=True
    ).count()


def test_a_number_that_is_not_this_customers_request_reveals_nothing(logged_in, officer):
    famous, other = make_subject(), make_subject()
    others_request = make_request(other)
    client = logged_in(officer)
    for note in ("R-1", request_reference(others_request.pk, others_request.received_at)):
        page = _reveal(client, famous, note)
        assert page.status_code == 200
        assert "not one of this customer" in page.content.decode()
    assert _revealed_views(famous) == 0


def test_this_customers_own_request_reveals_the_values(logged_in, officer):
    customer = make_subject()
    own = make_request(customer)
    page = _reveal(logged_in(officer), customer, request_reference(own.pk, own.received_at))
    assert page.status_code == 200 and customer.phone in page.content.decode()
    assert _revealed_views(customer) == 1
