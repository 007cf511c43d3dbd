"""A token past its last day is no more live for webhooks than for the API: an expired unlimited key
must not keep widening a client's webhooks to every purpose once its successor is limited, nor an
expired limited key add its purposes to a live one's (`integrations.audience`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.actors import Actor
from integrations.audience import clients_purposes_served
from integrations.models import ApiToken
from integrations.outbox import outbox_enqueue_webhook
from integrations.services import token_issue
from tests.factories import UserFactory, make_webhook

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def test_an_expired_unlimited_token_does_not_widen_a_limited_clients_webhooks():
    client = UserFactory(role="integration_client")
    old, _key = token_issue(actor=SYSTEM, user=client, scopes=["consents:read"])
    token_issue(actor=SYSTEM, user=client, scopes=["consents:read", "purpose:marketing"])
    _expire(old)
    endpoint = make_webhook(client)

    assert clients_purposes_served([client.pk]) == {client.pk: frozenset({"marketing"})}
    biometric = outbox_enqueue_webhook(endpoint=endpoint, topic="consent.withdrawn", dedupe_key="k",
                                       payload={"event": "consent.withdrawn", "purpose": "biometric"})
    assert biometric is None


def test_an_expired_tokens_purposes_are_not_added_to_a_live_ones():
    client = UserFactory(role="integration_client")
    old, _key = token_issue(actor=SYSTEM, user=client, scopes=["consents:read", "purpose:biometric"])
    token_issue(actor=SYSTEM, user=client, scopes=["consents:read", "purpose:cards"])
    _expire(old)

    assert clients_purposes_served([client.pk]) == {client.pk: frozenset({"cards"})}


def test_with_only_expired_tokens_the_limit_last_given_stands():
    client = UserFactory(role="integration_client")
    unlimited, _key = token_issue(actor=SYSTEM, user=client, scopes=["consents:read"])
    limited, _key = token_issue(actor=SYSTEM, user=client, scopes=["consents:read", "purpose:cards"])
    _expire(unlimited)
    _expire(limited)

    assert clients_purposes_served([client.pk]) == {client.pk: frozenset({"cards"})}
