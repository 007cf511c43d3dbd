"""Answers to a signed-in caller carry personal data and must not be kept by browsers or proxies
(pen test, finding 12)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_api_answers_to_a_token_are_not_stored(as_user, officer, subject):
    client = as_user(officer)
    assert _no_store(client.get(f"/api/v1/subjects/{subject.pk}/"))
    assert _no_store(client.get("/api/v1/subjects/"))
    assert _no_store(client.get("/api/v1/requests/"))


def test_pages_and_api_answers_in_a_session_are_not_stored(client, officer, customer_a, subject):
    client.force_login(officer)
    assert _no_store(client.get(f"/en/portal/customers/{subject.pk}/"))
    assert _no_store(client.get("/en/portal/"))
    client.force_login(customer_a)
    assert _no_store(client.get("/en/me/"))
    assert _no_store(client.get("/api/v1/subjects/"))


def test_anonymous_pages_keep_their_own_caching(client):
    assert not _no_store(client.get("/healthz"))
