"""`POST /api/v1/consents/` without `outcome` records a grant (the contract says so), and the proof says
the client never sent the customer's answer, so the bank can tell such grants from a stated "yes"."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _body(subject, **extra):
    return {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "branch", "evidence": "form-2026-001", **extra}


def _grant_entry(consent_id: str) -> AuditEntry:
    return AuditEntry.objects.get(action="consents.consent.granted", target_id=consent_id)


def test_a_grant_without_an_outcome_is_recorded_with_outcome_defaulted(as_user, client_user):
    make_purpose("marketing", category="marketing")
    api = as_user(client_user, scopes=["consents:read", "consents:write"])

    response = api.post("/api/v1/consents/", _body(make_subject()), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "granted"
    assert _grant_entry(response.json()["id"]).data["outcome_defaulted"] is True


def test_a_grant_with_outcome_granted_is_not_marked_defaulted(as_user, client_user):
    make_purpose("marketing", category="marketing")
    api = as_user(client_user, scopes=["consents:read", "consents:write"])

    response = api.post("/api/v1/consents/", _body(make_subject(), outcome="granted"), format="json")

    assert response.status_code == 201, response.json()
    assert "outcome_defaulted" not in _grant_entry(response.json()["id"]).data
