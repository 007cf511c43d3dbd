"""The pages offer an action on an authorisation only where `authorisation_allowed_actions` offers it
(docs/architecture.md, "State machines"): the staff customer page's revoke link, and the customer's and
staff's revoke pages, whose form is not shown for an authorisation already ended."""

from __future__ import annotations

import pytest
from django.utils import translation

from authorisations import selectors, services
from core.actors import actor_for_user
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db


def _revoked(customer):
    authorisation = authorise(customer)
    services.authorisation_revoke(
        actor=actor_for_user(customer),
        authorisation_id=authorisation.pk,
        channel="internet_banking",
        subject=authorisation.subject,
    )
    return authorisation


def test_the_staff_panel_offers_revoke_only_where_the_selector_does(client, officer, customer1, monkeypatch):
    authorisation = authorise(customer1)
    client.force_login(officer)
    link = f"/portal/authorisations/{authorisation.pk}/revoke/"
    with translation.override("en"):
        assert link in client.get(f"/portal/customers/{authorisation.subject_id}/").content.decode()

        monkeypatch.setattr(selectors, "authorisation_allowed_actions", lambda *args, **kwargs: frozenset())
        assert link not in client.get(f"/portal/customers/{authorisation.subject_id}/").content.decode()


def test_the_customers_revoke_page_offers_no_form_for_an_ended_authorisation(browser1, customer1):
    authorisation = _revoked(customer1)

    page = browser1.get(f"/me/authorisations/{authorisation.pk}/revoke/")

    assert page.status_code == 200
    assert 'data-testid="confirm-revoke"' not in page.content.decode()
    assert 'data-testid="revoke-ended"' in page.content.decode()


def test_the_staff_revoke_page_offers_no_form_for_an_ended_authorisation(client, officer, customer1):
    authorisation = _revoked(customer1)
    client.force_login(officer)

    page = client.get(f"/portal/authorisations/{authorisation.pk}/revoke/")

    assert page.status_code == 200
    assert 'data-testid="staff-revoke"' not in page.content.decode()
    assert 'data-testid="revoke-ended"' in page.content.decode()


def test_the_revoke_pages_still_offer_the_form_for_a_live_authorisation(client, officer, browser1, customer1):
    authorisation = authorise(customer1)
    mine = browser1.get(f"/me/authorisations/{authorisation.pk}/revoke/")
    client.force_login(officer)
    staff = client.get(f"/portal/authorisations/{authorisation.pk}/revoke/")

    assert 'data-testid="confirm-revoke"' in mine.content.decode()
    assert 'data-testid="staff-revoke"' in staff.content.decode()
