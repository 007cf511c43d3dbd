"""Every breach action answers a `regulator:write` token, declining to tell the customers included."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.regulator.factories import make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


def test_a_regulator_write_token_declines_to_tell_the_customers(dpo, as_user):
    now = timezone.now()
    make_inventory()
    make_catalogue(now=now)
    breach = make_breach(detected_at=now - timedelta(hours=2), categories=["accounts"], now=now)
    client = as_user(dpo, ["regulator:read", "regulator:write"])
    base = f"/api/v1/breaches/{breach.pk}/"
    assert client.post(base + "notifications/", {}, format="json").status_code in (200, 201)
    declined = client.post(base + "decline-customer-notice/", {"reason": "Encrypted at rest."}, format="json")
    assert declined.status_code == 200, declined.content
    assert as_user(dpo, ["regulator:read"]).post(
        base + "decline-customer-notice/", {"reason": "Encrypted at rest."}, format="json"
    ).status_code == 403
