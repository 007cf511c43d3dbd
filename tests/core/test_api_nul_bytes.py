"""A NUL byte (`%00`) in an API query parameter, or in a header the API stores or looks up
(`Idempotency-Key`, `X-Access-Reason`), is refused with a 400 naming it (core/middleware.py
`ApiNulByteMiddleware`). PostgreSQL cannot hold NUL in text: these reached the database and answered 500
(psycopg DataError), against the contract's "No input produces a 500"; SQLite took them silently."""

from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

QUERIES = [
    ("/api/v1/subjects/?external_ref=CIF%00", "external_ref"),
    ("/api/v1/consents/?subject=CIF%00", "subject"),
    ("/api/v1/consents/?purpose=mark%00", "purpose"),
    ("/api/v1/requests/?subject=CIF%00", "subject"),
    ("/api/v1/consent-check/?subject=CIF%00&purpose=marketing", "subject"),
    ("/api/v1/consent-check/?subject=CIF1&purpose=mark%00", "purpose"),
    ("/api/v1/audit/?action=x%00", "action"),
    ("/api/v1/audit/?subject=CIF%00", "subject"),
    ("/api/v1/purposes/?q=%00", "q"),
    ("/api/v1/purposes/?q%00=x", "q\x00"),
]


@pytest.fixture
def reader(dpo, as_user):
    make_purpose("marketing", category="marketing")
    client = as_user(dpo)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url,parameter", QUERIES)
def test_a_nul_byte_in_a_query_parameter_is_refused_naming_it(reader, url, parameter):
    answer = reader.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, (answer.status_code, answer.content[:300])
    [message] = answer.json()[parameter]
    assert "NUL" in message


def test_the_refusal_is_in_the_callers_language(reader):
    answer = reader.get("/api/v1/subjects/?external_ref=CIF%00", HTTP_ACCEPT_LANGUAGE="vi")
    assert answer.status_code == 400
    [message] = answer.json()["external_ref"]
    assert "không" in message.lower(), message


def test_a_nul_byte_in_the_idempotency_key_is_refused(client_user, as_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    client = as_user(client_user)
    client.raise_request_exception = False
    answer = client.post(
        "/api/v1/requests/",
        {"subject": subject.external_ref, "type": "access", "details": "x", "channel": "api"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k\x00",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400, (answer.status_code, answer.content[:300])
    assert list(answer.json()) == ["Idempotency-Key"]


def test_a_nul_byte_in_the_access_reason_is_refused(dpo, as_user):
    subject = make_subject()
    client = as_user(dpo)
    client.raise_request_exception = False
    answer = client.get(
        f"/api/v1/subjects/{subject.pk}/", HTTP_X_ACCESS_REASON="kiểm tra\x00", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400, (answer.status_code, answer.content[:300])
    assert list(answer.json()) == ["X-Access-Reason"]


def test_parameters_without_nul_pass(reader):
    answer = reader.get("/api/v1/subjects/?external_ref=CIF1")
    assert answer.status_code == 200


def test_a_nul_byte_in_the_path_is_refused(reader):
    answer = reader.get("/api/v1/purposes/mark%00/notices/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, (answer.status_code, answer.content[:300])
    assert "NUL" in answer.json()["detail"]
