"""A third party whose authorisation a customer's deletion request revoked is told to delete what it read,
not only to stop reading (domain notes: a deletion takes longer when a third party must delete): the
revocation's webhook says `erase_requested: true`; any other change says false."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from authorisations import services
from core.actors import actor_for_user
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise, register
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


def _webhooks(authorisation) -> list[dict]:
    rows = OutboxMessage.objects.filter(topic="authorisations.authorisation.changed").order_by("created_at")
    payloads = [json.loads(row.payload) for row in rows]
    return [p for p in payloads if p["authorisation"] == str(authorisation.pk)]


def test_a_deletions_revocation_tells_the_third_party_to_delete(customer1):
    make_inventory()
    authorisation = authorise(customer1, registration=register(webhook_url="https://ketoan.example.vn/hooks"))
    verified_request(customer1.customer_account.subject, type="delete", now=timezone.now())
    granted, revoked = _webhooks(authorisation)
    assert (granted["event"], granted["erase_requested"]) == ("granted", False)
    assert (revoked["event"], revoked["erase_requested"]) == ("revoked", True)


def test_the_customers_own_revocation_asks_no_deletion(customer1):
    authorisation = authorise(customer1, registration=register(webhook_url="https://ketoan.example.vn/hooks"))
    services.authorisation_revoke(
        actor=actor_for_user(customer1),
        authorisation_id=authorisation.pk,
        subject=customer1.customer_account.subject,
        channel="internet_banking",
    )
    assert [(p["event"], p["erase_requested"]) for p in _webhooks(authorisation)] == [
        ("granted", False),
        ("revoked", False),
    ]
