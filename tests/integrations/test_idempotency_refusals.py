"""An `Idempotency-Key` retry after a refusal replays the refusal (IETF draft "The Idempotency-Key HTTP
Header Field", Stripe): the first definitive answer stands, even when the state has changed since and a
fresh request would now succeed. Answers that ask the client to try again (401, 403, 429, 5xx) are not
kept, so a retry runs the operation.
"""
from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from consents import services as consents_services
from consents.models import Consent, Recipient, WithdrawalDuty
from core.errors import Conflict
from dsr.models import DataSubjectRequest
from integrations.models import IdempotencyRecord
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _grant_body(subject, purpose="marketing") -> dict:
    return {"subject": subject.external_ref, "purpose": purpose, "notice_version": "v1", "channel": "branch",
            "evidence": "FORM-0001"}


def _assert_replayed(retry, first) -> None:
    assert retry.status_code == first.status_code
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"


def test_a_conflict_is_replayed_even_after_the_state_changed(as_user, officer):
    purpose = make_purpose("marketing", category="marketing")
    subject = make_subject()
    live = grant(subject, purpose)
    api = as_user(officer)
    body = _grant_body(subject)

    refused = api.post("/api/v1/consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="grant-1")
    assert refused.status_code == 409 and refused.json()["code"] == "already_granted"
    assert "Idempotent-Replayed" not in refused
    consents_services.consent_withdraw(actor=STAFF, consent_id=live.pk, channel="branch")

    retry = api.post("/api/v1/consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="grant-1")
    _assert_replayed(retry, refused)
    assert Consent.objects.count() == 1
    # The same request under a new key is a new request: it now succeeds.
    fresh = api.post("/api/v1/consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="grant-2")
    assert fresh.status_code == 201
    assert Consent.objects.count() == 2


def test_a_validation_refusal_is_replayed_even_once_the_input_would_pass(as_user, officer):
    api = as_user(officer)
    body = {"subject": "CIFLATER01", "type": "access", "channel": "branch"}

    refused = api.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    assert refused.status_code == 400 and "subject" in refused.json()
    make_subject(external_ref="CIFLATER01")

    retry = api.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    _assert_replayed(retry, refused)
    assert not DataSubjectRequest.objects.exists()
    assert IdempotencyRecord.objects.get(key="req-1").response_status == 400
    fresh = api.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="req-2")
    assert fresh.status_code == 201


def test_a_not_found_is_replayed(as_user, officer):
    api = as_user(officer)
    url = f"/api/v1/consents/{uuid.uuid4()}/withdraw/"
    missing = api.post(url, {"channel": "branch"}, format="json", HTTP_IDEMPOTENCY_KEY="gone-1")
    assert missing.status_code == 404
    retry = api.post(url, {"channel": "branch"}, format="json", HTTP_IDEMPOTENCY_KEY="gone-1")
    _assert_replayed(retry, missing)


def test_a_corrected_body_under_the_refused_key_is_the_mismatch_error(as_user, officer):
    subject = make_subject()
    api = as_user(officer)
    bad = {"subject": subject.external_ref, "type": "teleport", "channel": "branch"}
    assert api.post("/api/v1/requests/", bad, format="json", HTTP_IDEMPOTENCY_KEY="fix-1").status_code == 400

    corrected = {**bad, "type": "access"}
    mismatch = api.post("/api/v1/requests/", corrected, format="json", HTTP_IDEMPOTENCY_KEY="fix-1")
    assert mismatch.status_code == 409 and mismatch.json()["code"] == "idempotency_mismatch"
    assert not DataSubjectRequest.objects.exists()
    fresh = api.post("/api/v1/requests/", corrected, format="json", HTTP_IDEMPOTENCY_KEY="fix-2")
    assert fresh.status_code == 201


def test_a_refusal_after_a_write_keeps_nothing_of_the_write(as_user, officer, monkeypatch):
    """The refusal is kept, and only the refusal: what the view wrote before it was refused (here the
    consent and its audit entry, then the answer fails) is undone, not committed with the answer."""
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(officer)
    audited = AuditEntry.objects.count()

    def refuse_after_the_write(*args, **kwargs):
        raise Conflict("The answer could not be made.", code="answer_refused")

    monkeypatch.setattr("consents.api.views.ConsentOutputSerializer", refuse_after_the_write)
    body = _grant_body(subject)
    refused = api.post("/api/v1/consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="half-1")
    assert refused.status_code == 409 and refused.json()["code"] == "answer_refused"
    assert not Consent.objects.exists()
    assert AuditEntry.objects.count() == audited
    monkeypatch.undo()

    retry = api.post("/api/v1/consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="half-1")
    _assert_replayed(retry, refused)
    assert not Consent.objects.exists()


# ---------------------------------------------------------------- answers that ask to try again


def test_a_permission_refusal_is_not_kept_and_the_retry_runs(as_user, client_user):
    """403: the caller's rights may be fixed (here the recipient is handed to this client)."""
    bureau = make_recipient("CIC", kind="credit_bureau")
    consent = grant(purpose=make_purpose("sharing", category="sharing", recipients=[bureau]))
    consents_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.get()
    api = as_user(client_user)
    url = f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/"

    refused = api.post(url, {"note": "stopped"}, format="json", HTTP_IDEMPOTENCY_KEY="ack-1")
    assert refused.status_code == 403
    assert not IdempotencyRecord.objects.filter(key="ack-1").exists()
    Recipient.objects.filter(pk=bureau.pk).update(client=client_user)

    retry = api.post(url, {"note": "stopped"}, format="json", HTTP_IDEMPOTENCY_KEY="ack-1")
    assert retry.status_code == 200 and retry.json()["status"] == "acknowledged"
    assert "Idempotent-Replayed" not in retry


def test_an_unauthenticated_attempt_is_not_kept(as_user, officer):
    subject = make_subject()
    body = {"subject": subject.external_ref, "type": "access", "channel": "branch"}
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    refused = stranger.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="auth-1")
    assert refused.status_code == 401

    retry = as_user(officer).post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="auth-1")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry


def test_a_throttled_attempt_is_not_kept(as_user, officer, settings):
    subject = make_subject()
    body = {"subject": subject.external_ref, "type": "access", "channel": "branch"}
    api = as_user(officer)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "1/min", "token": "1/min"},
    }
    api.get("/api/v1/requests/")
    throttled = api.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="busy-1")
    assert throttled.status_code == 429

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "token": "100/min"},
    }
    retry = api.post("/api/v1/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="busy-1")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry


def test_a_server_error_is_not_kept_and_the_retry_runs(as_user, officer, monkeypatch):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(officer)
    api.raise_request_exception = False

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(consents_services, "consent_grant", broken)
    failed = api.post("/api/v1/consents/", _grant_body(subject), format="json", HTTP_IDEMPOTENCY_KEY="bug-1")
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.filter(key="bug-1").exists()
    monkeypatch.undo()

    retry = api.post("/api/v1/consents/", _grant_body(subject), format="json", HTTP_IDEMPOTENCY_KEY="bug-1")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Consent.objects.count() == 1
