"""A grant the mobile app sent again after losing the first reply, without an Idempotency-Key."""

from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_grant_retried_without_a_key_names_the_consent_already_in_force(as_user, client_user):
    """The first reply was lost on the phone's network and the app sent the grant again without an
    Idempotency-Key: the 409 names the consent recorded the first time, so the app shows it."""
    make_purpose("marketing", category="marketing")
    subject, api = make_subject(), as_user(client_user, ["consents:read", "consents:write"])
    body = {
        "subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
        "channel": "mobile_app", "outcome": "granted",
    }
    first = api.post("/api/v1/consents/", body, format="json")

    again = api.post("/api/v1/consents/", body, format="json")

    assert again.status_code == 409
    assert again.json()["code"] == "already_granted"
    assert again.json()["consent"] == first.json()["id"]
