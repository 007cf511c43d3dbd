"""Staff actions on a request honour `Idempotency-Key`: a retry after a lost answer gets the first answer
again (`Idempotent-Replayed: true`) instead of 409 `invalid_transition`, and a retried
`send-identity-code` sends no second code (a new code would void the one the customer already has)."""
from __future__ import annotations

import pytest

from dsr.models import DataSubjectRequest
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_retried_acknowledgement_gets_the_first_answer(as_user, privacy_officer):
    request = make_request(make_subject(), type="access")
    api = as_user(privacy_officer)
    url = f"/api/v1/requests/{request.pk}/acknowledge/"
    first = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="ack-1")
    assert first.status_code == 200, first.content
    changes = DataSubjectRequest.objects.get(pk=request.pk).status_changes.count()
    retry = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="ack-1")
    assert retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert DataSubjectRequest.objects.get(pk=request.pk).status_changes.count() == changes


def test_a_retried_identity_code_is_not_sent_again(
    as_user, privacy_officer, django_capture_on_commit_callbacks
):
    request = make_request(make_subject(phone="0912345678"), type="access")
    api = as_user(privacy_officer)
    url = f"/api/v1/requests/{request.pk}/send-identity-code/"
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="otp-1")
    assert first.status_code == 200, first.content
    sent = OutboxMessage.objects.count()
    code = DataSubjectRequest.objects.get(pk=request.pk).identity_otp_hash
    with django_capture_on_commit_callbacks(execute=True):
        retry = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="otp-1")
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    assert OutboxMessage.objects.count() == sent
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_otp_hash == code


def test_the_actions_document_the_idempotency_key(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for action in ("acknowledge", "send-identity-code", "complete", "reject", "transition", "extend",
                   "approve", "verify-identity", "reply"):
        operation = schema["paths"][f"/api/v1/requests/{{id}}/{action}/"]["post"]
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in headers, action
