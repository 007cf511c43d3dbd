"""From the moment an authorisation's term ends, it reads "expired" everywhere it is shown (the customer's
page, the staff panel, the API) and offers no pause, resume or revocation, though the hourly sweep has not
yet recorded the expiry: the gateway already refuses it. Reading writes nothing: the sweep still records
the expiry event and its receipt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from authorisations import selectors
from authorisations.models import Authorisation, AuthorisationEvent
from core.actors import actor_for_user
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_unswept(customer1):
    """customer1's authorisation whose one-day term ended an hour ago, not yet found by the sweep."""
    return authorise(customer1, days=1, now=timezone.now() - timedelta(days=1, hours=1))


def test_the_api_answers_expired_with_no_action(ended_unswept, customer1, as_user):
    answer = as_user(customer1).get(f"/api/v1/authorisations/{ended_unswept.pk}/").json()
    assert answer["status"] == "expired"
    assert answer["allowed_actions"] == []
    [listed] = as_user(customer1).get("/api/v1/authorisations/").json()["results"]
    assert listed["status"] == "expired"
    assert Authorisation.objects.get(pk=ended_unswept.pk).status == "active"  # no write on read
    assert not AuthorisationEvent.objects.filter(authorisation=ended_unswept, kind="expired").exists()


def test_allowed_actions_offer_nothing_once_the_term_ended(ended_unswept, customer1, officer):
    assert selectors.authorisation_allowed_actions(ended_unswept, actor_for_user(customer1)) == frozenset()
    assert selectors.authorisation_allowed_actions(ended_unswept, actor_for_user(officer)) == frozenset()


def test_the_customer_page_shows_expired_and_offers_no_pause_or_stop(ended_unswept, browser1):
    page = browser1.get("/en/me/authorisations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="status">Expired<' in html
    assert 'data-testid="pause"' not in html and 'data-testid="revoke"' not in html
