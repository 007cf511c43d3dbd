"""A client limited to some purposes stays limited when its tokens are revoked: revoking a marketing
platform's only token (suspended, between a revocation and a new key) must not widen its webhooks to
every purpose, a customer's biometric consent, restriction or erasure included (`integrations.audience`)."""

from __future__ import annotations

import pytest

from core.actors import Actor
from integrations.audience import clients_purposes_served
from integrations.outbox import outbox_enqueue_webhook
from integrations.services import token_issue, token_revoke
from tests.factories import UserFactory, make_webhook

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _revoked_client(*scope_lists):
    client = UserFactory(role="integration_client")
    for scopes in scope_lists:
        token, _key = token_issue(actor=SYSTEM, user=client, scopes=scopes)
        token_revoke(actor=SYSTEM, token=token)
    return client


def test_a_client_whose_limited_tokens_are_all_revoked_hears_of_no_other_purpose():
    client = _revoked_client(["consents:read", "purpose:marketing"])
    endpoint = make_webhook(client)

    assert clients_purposes_served([client.pk]) == {client.pk: frozenset({"marketing"})}
    biometric = outbox_enqueue_webhook(endpoint=endpoint, topic="consent.withdrawn", dedupe_key="k",
                                       payload={"event": "consent.withdrawn", "purpose": "biometric"})
    assert biometric is None


def test_without_a_live_token_the_limit_last_given_stands():
    # An unlimited key replaced by a limited one, then that one revoked: the limit given last stands.
    client = _revoked_client(["consents:read"], ["consents:read", "purpose:cards"])
    never_limited = _revoked_client(["consents:read"])
    tokenless = UserFactory(role="integration_client")

    assert clients_purposes_served([client.pk, never_limited.pk, tokenless.pk]) == {
        client.pk: frozenset({"cards"}), never_limited.pk: None, tokenless.pk: None,
    }
