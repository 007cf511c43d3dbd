"""Hostile input answers a 4xx with a message, never a 500 (pen test, findings 6 and 11): deeply
nested JSON, bodies over the upload limit, and a connection that must stay usable after a refusal."""
from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import translation

from subjects.models import DataSubject
from tests.factories import make_token

pytestmark = pytest.mark.django_db

NESTED = "[" * 1200 + "]" * 1200


@pytest.mark.parametrize("path", ["/api/v1/subjects/", "/api/v1/consents/", "/api/v1/requests/",
                                  "/api/v1/breaches/"])
def test_deeply_nested_json_is_a_400(as_user, dpo, path):
    response = as_user(dpo).post(path, NESTED, content_type="application/json")
    assert response.status_code == 400
    assert any(words in response.json()["detail"] for words in ("nested", "lồng nhau"))


def test_a_customer_sending_nested_json_gets_a_400(api, customer_a):
    api.force_authenticate(customer_a)
    response = api.post("/api/v1/requests/", NESTED, content_type="application/json")
    assert response.status_code == 400


def test_a_body_over_the_limit_is_a_json_413(as_user, officer):
    over = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10
    body = json.dumps({"external_ref": "CIF1", "full_name": "a" * over})
    response = as_user(officer).post("/api/v1/subjects/", body, content_type="application/json",
                                     HTTP_IDEMPOTENCY_KEY="big-1")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "MB" in response.json()["detail"]


@pytest.mark.parametrize(
    ("asked", "thread_last_served", "words"),
    [("en", "vi", "larger than"), ("vi", "en", "lớn hơn")],
)
def test_a_body_over_the_limit_is_refused_in_the_callers_language(
    as_user, officer, asked, thread_last_served, words
):
    """The size check answers before the language middleware has run: the words follow the caller's
    Accept-Language, not whatever language the worker thread served last."""
    body = json.dumps({"full_name": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    with translation.override(thread_last_served):
        response = as_user(officer).post("/api/v1/subjects/", body, content_type="application/json",
                                         HTTP_IDEMPOTENCY_KEY="big-2", HTTP_ACCEPT_LANGUAGE=asked)
    assert response.status_code == 413
    assert words in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_connection_stays_usable_after_a_body_over_the_limit(live_server, officer):
    key = make_token(officer)
    url = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    body = b'{"full_name": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    try:
        connection.request("POST", "/api/v1/subjects/", body=body, headers=headers)
        refused = connection.getresponse()
        assert refused.status == 413 and json.loads(refused.read())["detail"]
        connection.request("GET", "/api/v1/subjects/", headers=headers)
        again = connection.getresponse()
        assert again.status == 200, again.read()[:300]
        again.read()
    finally:
        connection.close()


@pytest.mark.parametrize(("path", "field"), [("/api/v1/purposes/", "category"), ("/api/v1/requests/", "type"),
                                             ("/api/v1/subjects/", "full_name")])
@pytest.mark.parametrize("text", ["\\ud83d", "\\u0000\\ud83d", "a\\udc00b"])
def test_text_with_half_a_character_is_a_400(as_user, dpo, path, field, text):
    """Valid JSON, but a lone UTF-16 surrogate is no character: nothing can store or sign it, and a
    refusal quoting it (an unknown choice) could not be written out."""
    body = '{"' + field + '": "' + text + '", "tags": ["ok", {"deep": "x"}]}'
    response = as_user(dpo).post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                                 HTTP_IDEMPOTENCY_KEY=f"surrogate-{path}-{text}")
    assert response.status_code == 400, response.content
    assert "Unicode" in response.json()["detail"]


def test_a_character_written_as_a_surrogate_pair_is_read(as_user, dpo):
    body = '{"external_ref": "CIF-EMOJI-1", "full_name": "Nguy\\u1ec5n \\ud83d\\ude00"}'
    response = as_user(dpo).post("/api/v1/subjects/", body, content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY="pair-1")
    assert response.status_code == 201, response.content
    assert DataSubject.objects.get(external_ref="CIF-EMOJI-1").full_name == "Nguyễn \U0001f600"
