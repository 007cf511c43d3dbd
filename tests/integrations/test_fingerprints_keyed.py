"""A request kept under an `Idempotency-Key` or a page's one-time token is recognised again by a
fingerprint of what was sent: the customer's details, a void's note, a staff member's answers. A plain
SHA-256 of them could be matched by trying guesses (a national ID has few digits) for the week the record
lives, and on pages, whose records name no customer, after the customer's erasure too. The fingerprint
is keyed (HMAC with the SECRET_KEY), so nobody without the key can match one."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import RequestFactory, override_settings

from integrations import form_once
from integrations.api.idempotency import request_fingerprint
from integrations.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

CUSTOMER = {
    "external_ref": "CIFKEY001",
    "full_name": "Lê Văn Tám",
    "national_id": "079088004321",
    "date_of_birth": "1988-05-01",
}


def test_an_api_request_fingerprint_is_not_a_plain_hash_of_the_body(as_user, officer):
    answer = as_user(officer).post("/api/v1/subjects/", CUSTOMER, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert answer.status_code == 201
    kept = IdempotencyRecord.objects.get(key="k-1").request_fingerprint
    guess = f"POST /api/v1/subjects/\n{json.dumps(CUSTOMER, sort_keys=True, default=str)}"
    assert len(kept) == 64 and kept != hashlib.sha256(guess.encode()).hexdigest()


def test_a_page_answers_fingerprint_is_not_a_plain_hash_of_them():
    request = RequestFactory().post("/en/portal/consents/x/void/", {"reason": "other", "note": "CIF 001234"})
    answers = [["note", ["CIF 001234"]], ["reason", ["other"]]]
    guess = json.dumps([request.path, answers, []])
    kept = form_once._fingerprint(request)
    assert len(kept) == 64 and kept != hashlib.sha256(guess.encode()).hexdigest()


def test_the_fingerprint_depends_on_the_key():
    kept = request_fingerprint("POST /api/v1/subjects/\n{}")
    with override_settings(SECRET_KEY="another-secret-key-of-the-same-bank-0123456789"):
        assert request_fingerprint("POST /api/v1/subjects/\n{}") != kept
