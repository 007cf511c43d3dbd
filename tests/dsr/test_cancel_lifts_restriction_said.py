"""Mistakes review: a customer who cancels a restriction or objection already in force (it takes effect
once their identity is verified) lifts it: the bank and every recipient it told to stop may process
those purposes again. The cancel page said only "we stop working on it", so a customer cancelling a
duplicate or a request they thought was stuck lost the protection without being told. The page now
says what cancelling lifts, before the customer confirms."""

import pytest

from dsr.selectors import restriction_in_force
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request, verified_request

pytestmark = pytest.mark.django_db


def test_cancelling_a_restriction_in_force_says_it_is_lifted_and_names_the_purposes(logged_in, customer_a):
    subject = customer_a.customer_account.subject
    grant(subject, make_purpose("analytics-c", category="analytics", name_en="Spending analytics"))
    request = verified_request(subject, type="restrict", purposes=["analytics-c"], channel="internet_banking")
    assert restriction_in_force(request)

    page = logged_in(customer_a).get(f"/en/me/requests/{request.pk}/cancel/").content.decode()

    said = page.split('data-testid="cancel-lifts"', 1)[1].split("</section>", 1)[0]
    assert "Spending analytics" in said and "again" in said


def test_cancelling_a_request_not_yet_in_force_says_nothing_is_lifted(logged_in, customer_a):
    subject = customer_a.customer_account.subject
    make_purpose("analytics-d", category="analytics")
    request = make_request(subject, type="restrict", purposes=["analytics-d"], channel="internet_banking")

    page = logged_in(customer_a).get(f"/en/me/requests/{request.pk}/cancel/").content.decode()

    assert 'data-testid="cancel-lifts"' not in page
