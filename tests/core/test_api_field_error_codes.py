"""A 400 naming fields carried messages only, in the caller's language: a client could branch on a
`{"detail", "code"}` refusal's code but had to match sentences to tell a missing field from a bad choice.
A client that asks (`Prefer: field-codes`, RFC 7240) now gets each field's stable codes beside its
messages, `field_codes`; one that does not gets the body it always got."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_subject

pytestmark = pytest.mark.django_db
ASKS = {"HTTP_ACCEPT_LANGUAGE": "vi", "HTTP_PREFER": "field-codes"}


def test_a_serializers_field_errors_carry_their_codes_when_asked(as_user, officer):
    body = {"subject": make_subject().external_ref, "type": "nope"}

    response = as_user(officer).post("/api/v1/requests/", body, format="json", **ASKS)

    assert response.status_code == 400
    assert response.json()["field_codes"] == {"type": ["invalid_choice"]}
    assert isinstance(response.json()["type"], list)
    assert response["Preference-Applied"] == "field-codes"


def test_a_services_field_refusal_carries_its_code_when_asked(as_user, officer):
    said = (timezone.now() - timedelta(days=8)).isoformat()
    body = {"subject": make_subject().external_ref, "channel": "branch", "evidence": "F-1",
            "answered_at": said}

    response = as_user(officer).post("/api/v1/consents/withdraw/", body, format="json", **ASKS)

    assert response.status_code == 400, response.json()
    assert response.json()["field_codes"] == {"answered_at": ["invalid"]}


def test_a_client_that_does_not_ask_gets_the_contracts_shape_unchanged(as_user, officer):
    body = {"subject": make_subject().external_ref, "type": "nope"}

    response = as_user(officer).post("/api/v1/requests/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert list(response.json()) == ["type"]
