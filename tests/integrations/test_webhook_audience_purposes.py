"""The purposes a client's webhooks hear of (`integrations.audience`): those of its live tokens, every
purpose when one names none (or it never had a token), and a notice narrowed to them by the outbox."""

from __future__ import annotations

import pytest

from core.actors import Actor
from integrations.audience import PurposeAudience, clients_purposes_served
from integrations.outbox import outbox_enqueue_webhook
from integrations.services import token_issue, token_revoke
from tests.factories import UserFactory, make_token, make_webhook

pytestmark = pytest.mark.django_db


def _client(*scope_lists):
    client = UserFactory(role="integration_client")
    for scopes in scope_lists:
        make_token(client, scopes=scopes)
    return client


def test_a_client_serves_the_union_of_its_live_tokens_purposes():
    client = _client(["purpose:marketing"], ["purpose:cards", "consents:read"])
    revoked, _key = token_issue(actor=Actor.system("tests"), user=client, scopes=["purpose:biometric"])
    token_revoke(actor=Actor.system("tests"), token=revoked)

    assert clients_purposes_served([client.pk]) == {client.pk: frozenset({"marketing", "cards"})}


def test_a_client_with_a_token_naming_no_purpose_or_no_live_token_serves_every_purpose():
    unscoped = _client(["purpose:marketing"], ["consents:read"])
    tokenless = _client()

    assert clients_purposes_served([unscoped.pk, tokenless.pk]) == {unscoped.pk: None, tokenless.pk: None}


def test_the_outbox_narrows_a_notice_to_the_purposes_its_client_serves():
    endpoint = make_webhook(_client(["purpose:marketing"]))

    def enqueue(key, **named):
        return outbox_enqueue_webhook(endpoint=endpoint, topic="consent.x", dedupe_key=key,
                                      payload={"event": "consent.x", **named})

    assert enqueue("a", purpose="biometric") is None
    assert enqueue("b", purposes=["biometric"]) is None
    assert enqueue("c", purpose="marketing") is not None
    assert '"purposes": ["marketing"]' in enqueue("d", purposes=["biometric", "marketing"]).payload
    assert enqueue("e") is not None  # names no purpose


def test_an_audience_not_read_for_an_endpoint_tells_it_nothing_naming_a_purpose():
    endpoint = make_webhook(_client())

    assert PurposeAudience({}).notice_for(endpoint, {"purpose": "marketing"}) is None
    assert PurposeAudience({}).notice_for(endpoint, {"event": "webhook.test"}) == {"event": "webhook.test"}
