"""The staff customer page offers "void" on each consent the privacy officer may void; whether the
consent is on their own customer record (or their ward's or guardian's) is read once for the page, not
once a consent, so a customer with many consents costs no more queries than one with few."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _grant_purposes(subject, start: int, count: int) -> None:
    for i in range(start, start + count):
        grant(subject, make_purpose(f"void-offer-{i}"))


@pytest.mark.parametrize("linked", [False, True], ids=["staff-without-a-record", "staff-with-a-record"])
def test_the_void_offer_costs_the_same_for_many_consents(privacy_officer, linked):
    if linked:
        make_subject(external_ref="CIF7500001")
        call_command("link_staff_customer", privacy_officer.username, "CIF7500001", "--reason", "HR file 44")
    customer = make_subject()
    client = signed_in(privacy_officer)
    url = f"/en/portal/customers/{customer.pk}/"

    _grant_purposes(customer, 0, 2)
    with_2 = queries_of(lambda: client.get(url))
    _grant_purposes(customer, 2, 8)
    with_10 = queries_of(lambda: client.get(url))

    assert client.get(url).content.decode().count("/void/") >= 10
    assert with_10 == with_2
