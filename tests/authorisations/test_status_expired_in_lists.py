"""An authorisation past its term, not yet swept, is not "active" where lists filter or count by status:
the API's `?status=` filter, the 90-day summary of active authorisations, and the explanation of what a
withdrawal ends. The query's rule is `Authorisation.status_at`'s (`AuthorisationQuerySet.in_status_at`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from authorisations import selectors, services
from authorisations.models import Authorisation, AuthorisationStatus
from authorisations.states import AUTHORISATION_MACHINE
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_unswept(customer1):
    """customer1's authorisation whose one-day term ended an hour ago, not yet found by the sweep."""
    return authorise(customer1, days=1, now=timezone.now() - timedelta(days=1, hours=1))


def _listed(client, status):
    return [row["id"] for row in client.get(f"/api/v1/authorisations/?status={status}").json()["results"]]


def test_the_api_filter_lists_it_as_expired_not_active(ended_unswept, customer1, as_user):
    client = as_user(customer1)
    assert _listed(client, "active") == []
    assert _listed(client, "expired") == [str(ended_unswept.pk)]


def test_the_query_agrees_with_status_at_for_every_status_and_time(customer1, customer2):
    now = timezone.now()
    ended = authorise(customer1, days=1, now=now - timedelta(days=2))
    running = authorise(customer2, days=30, now=now - timedelta(days=1))
    for status in AuthorisationStatus.values:
        for authorisation in (ended, running):
            Authorisation.objects.filter(pk=authorisation.pk).update(status=status)
        for at in (now, now - timedelta(days=1, hours=12), now + timedelta(days=40)):
            rows = Authorisation.objects.filter(pk__in=[ended.pk, running.pk])
            for read in AuthorisationStatus.values:
                expected = {a.pk for a in rows if a.status_at(at) == read}
                assert set(rows.in_status_at(read, at).values_list("pk", flat=True)) == expected, read
            live = {a.pk for a in rows if a.status_at(at) in AUTHORISATION_MACHINE.live}
            assert set(rows.live_at(at).values_list("pk", flat=True)) == live


def test_the_summary_does_not_list_an_ended_one_as_active(customer1):
    now = timezone.now()
    authorise(customer1, days=91, now=now)
    assert services.authorisations_send_summaries(now=now + timedelta(days=91, minutes=30)) == 0
    assert not OutboxMessage.objects.filter(topic="authorisations.customer.summary").exists()


def test_a_withdrawal_does_not_say_it_ends_access_whose_term_ended(ended_unswept, customer1):
    subject = customer1.customer_account.subject
    assert selectors.withdrawal_ends_access_explained(subject=subject, purposes=None) == []


def test_the_revoke_pages_say_a_term_ended_one_expired(ended_unswept, browser1, client, officer):
    client.force_login(officer)
    for browser, url in (
        (browser1, f"/en/me/authorisations/{ended_unswept.pk}/revoke/"),
        (client, f"/en/portal/authorisations/{ended_unswept.pk}/revoke/"),
    ):
        html = browser.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-testid="revoke-ended"' in html
        assert "This authorisation has ended (Expired)" in html, url


def test_the_customers_copy_of_their_data_says_expired(ended_unswept, customer1):
    [exported] = selectors.authorisations_export(customer1.customer_account.subject)
    assert exported["status"] == "expired"
