from __future__ import annotations

import pytest
from django.test import Client

from core.roles import Role
from tests.authorisations.factories import sign_in
from tests.factories import UserFactory, customer_fixture

customer1 = customer_fixture("customer1")
customer2 = customer_fixture("customer2")


@pytest.fixture
def browser1(customer1):
    """customer1 signed in through the real login page."""
    client = Client()
    sign_in(client, "customer1")
    return client


@pytest.fixture
def gateway(db, as_user):
    """The bank's API gateway: an integration client whose token carries the gateway scope."""
    return as_user(UserFactory(username="gateway_t", role=Role.CLIENT), scopes=["authorisations:gateway"])


@pytest.fixture
def registration(db):
    from tests.authorisations.factories import register

    return register()


@pytest.fixture
def authorised(registration, customer1, browser1, api):
    """customer1 has authorised the third party through the real pages; returns (authorisation, tokens)."""
    from authorisations.models import Authorisation
    from tests.authorisations.factories import approve, credentials, exchange, pkce_pair

    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    tokens = exchange(api, client_id, secret, code, verifier).json()
    return Authorisation.objects.get(subject=customer1.customer_account.subject, status="active"), tokens
