"""A withdrawal the mobile app sent again after losing the first reply, without an Idempotency-Key: the
409 keeps its code (`not_live`) and says why, so the app tells "already withdrawn" (and when) from a
consent that expired or was voided."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SCOPES = ["consents:read", "consents:write"]


def test_a_withdrawal_retried_without_a_key_says_already_withdrawn_and_when(as_user, client_user):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    api = as_user(client_user, SCOPES)
    first = api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "mobile_app"}, format="json")

    again = api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "mobile_app"}, format="json")

    assert first.status_code == 200, first.json()
    assert again.status_code == 409
    assert again.json()["code"] == "not_live"
    assert again.json()["status"] == "withdrawn"
    assert again.json()["withdrawn_at"] == first.json()["withdrawn_at"]


def test_an_expired_consent_says_expired_with_no_withdrawal_time(as_user, client_user):
    now = timezone.now()
    consent = grant(
        make_subject(), make_purpose("marketing", category="marketing"), now=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )

    response = as_user(client_user, SCOPES).post(
        f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "mobile_app"}, format="json"
    )

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["status"]) == ("not_live", "expired")
    assert "withdrawn_at" not in response.json()
