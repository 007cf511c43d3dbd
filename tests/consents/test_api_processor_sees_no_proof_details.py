"""Data minimisation (Law 91/2025): a client whose token serves some purposes only (a marketing agency,
a card processor: a processor) reads a consent's state, not the bank's proof of it. The evidence
reference, the child's agreement evidence, the login of the staff member who recorded it and the
guardian's customer number are not what it needs to act; the bank's staff and a client serving every
purpose (core banking) keep reading them, and a processor keeps reading what it recorded itself."""
from __future__ import annotations

import pytest

from consents.services import consent_void
from core.actors import actor_for_user
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
PROCESSOR = ["consents:read", "consents:write", "purpose:marketing-offers"]
BRANCH_EVIDENCE = "PF-2026-0042, scanned by nguyen.van.a"


@pytest.fixture
def consent(db, officer):
    marketing = make_purpose("marketing-offers", category="marketing")
    return grant(make_subject(), marketing, channel="branch", evidence=BRANCH_EVIDENCE)


def _paths(consent):
    return [f"/api/v1/consents/{consent.pk}/", "/api/v1/consents/"]


def _row(answer):
    body = answer.json()
    return body["results"][0] if "results" in body else body


def test_a_processor_reads_the_state_without_the_proof_details(as_user, client_user, consent):
    api = as_user(client_user, scopes=PROCESSOR)
    for path in _paths(consent):
        row = _row(api.get(path))
        assert row["status"] == "granted" and row["channel"] == "branch"
        assert row["evidence"] == "" and row["child_evidence"] == ""
        assert row["recorded_by"] == consent.recorded_by_kind
        assert row["guardian"] is None


def test_core_banking_and_staff_keep_the_proof(as_user, client_user, officer, consent):
    for api in (as_user(client_user, scopes=["consents:read"]), as_user(officer)):
        for path in _paths(consent):
            row = _row(api.get(path))
            assert row["evidence"] == BRANCH_EVIDENCE
            assert row["recorded_by"] == consent.recorded_by_label


def test_a_processor_reads_back_what_it_recorded(as_user, client_user, consent):
    api = as_user(client_user, scopes=PROCESSOR)
    recorded = api.post("/api/v1/consents/", {
        "subject": make_subject().external_ref, "purpose": "marketing-offers", "notice_version": "v1",
        "channel": "mobile_app", "evidence": "app-session-77", "outcome": "granted",
    }, format="json")
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["evidence"] == "app-session-77"
    assert api.get(f"/api/v1/consents/{recorded.json()['id']}/").json()["evidence"] == "app-session-77"


def test_a_processor_is_not_told_who_voided_a_consent(as_user, client_user, dpo, consent):
    consent_void(actor=actor_for_user(dpo), consent_id=consent.pk, reason="wrong_customer", note="sai khách")
    voided = as_user(client_user, scopes=PROCESSOR).get(f"/api/v1/consents/{consent.pk}/").json()["voided"]
    assert voided["by"] == "staff" and voided["reason"] == "wrong_customer"
    assert as_user(dpo).get(f"/api/v1/consents/{consent.pk}/").json()["voided"]["by"] == dpo.username
