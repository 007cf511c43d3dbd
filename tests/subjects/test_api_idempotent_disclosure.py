"""An `Idempotency-Key` retry of a write whose answer shows a customer's personal values is replayed only
under the access the first answer was given under (`subjects.disclosure`): the same reveal decision
(a client's `subjects:pii` scope, staff's `X-Access-Reason`) and the same reason. Otherwise 409
`idempotency_mismatch`: the stored answer would show values this caller may not see, or show them
with no view recorded for this reason. The same access gets the first answer byte for byte."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

NEW = {"external_ref": "CIF9400001", "full_name": "Nguyễn Văn An", "national_id": "001099012345",
       "date_of_birth": "1990-01-02", "phone": "0912345678", "email": "an@example.vn"}
REASON = "REQ-2026-0042 opening account"
PII = ["subjects:read", "subjects:write", "subjects:pii"]
NO_PII = ["subjects:read", "subjects:write"]


def _child():
    return make_subject(guardian=make_subject(), national_id="", phone="0912345678", email="")


def test_a_client_token_without_the_pii_scope_gets_no_replay_of_revealed_values(as_user, client_user):
    first = as_user(client_user, scopes=PII).post("/api/v1/subjects/", NEW, format="json",
                                                   HTTP_IDEMPOTENCY_KEY="k-pii")
    assert first.status_code == 201 and first.json()["national_id"] == NEW["national_id"]
    retry = as_user(client_user, scopes=NO_PII).post("/api/v1/subjects/", NEW, format="json",
                                                      HTTP_IDEMPOTENCY_KEY="k-pii", HTTP_ACCEPT_LANGUAGE="en")
    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_mismatch"
    assert "same access" in retry.json()["detail"]
    assert NEW["national_id"] not in retry.content.decode()


def test_staff_retry_without_the_reason_gets_no_replay_of_revealed_values(as_user, officer):
    api = as_user(officer)
    first = api.post("/api/v1/subjects/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-st",
                     HTTP_X_ACCESS_REASON=REASON)
    assert first.status_code == 201 and first.json()["national_id"] == NEW["national_id"]
    entries = AuditEntry.objects.count()
    for reason in ({}, {"HTTP_X_ACCESS_REASON": "another reason"}):
        retry = api.post("/api/v1/subjects/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-st", **reason)
        assert retry.status_code == 409, reason
        assert retry.json()["code"] == "idempotency_mismatch"
        assert NEW["national_id"] not in retry.content.decode()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("reason", [{}, {"HTTP_X_ACCESS_REASON": REASON}])
def test_a_retry_with_the_same_access_is_the_first_answer_byte_for_byte(as_user, officer, reason):
    api = as_user(officer)
    first = api.post("/api/v1/subjects/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-same", **reason)
    entries = AuditEntry.objects.count()
    retry = api.post("/api/v1/subjects/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-same", **reason)
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert AuditEntry.objects.count() == entries


def test_a_verify_guardian_retry_without_the_reason_gets_no_replay(as_user, officer):
    child = _child()
    api = as_user(officer)
    url = f"/api/v1/subjects/{child.pk}/verify-guardian/"
    body = {"evidence": "DMS-2026-000123 birth certificate"}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-g", HTTP_X_ACCESS_REASON=REASON)
    assert first.status_code == 200 and first.json()["phone"] == "0912345678"
    retry = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-g")
    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_mismatch"
    assert "0912345678" not in retry.content.decode()
