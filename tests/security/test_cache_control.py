"""Answers to a signed-in caller carry personal data and must not be kept by browsers or proxies
(pen test, finding 12)."""
from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_http_date

from core.middleware import never_cache


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_api_answers_to_a_token_are_not_stored(as_user, officer, subject):
    client = as_user(officer)
    assert _no_store(client.get(f"/api/v1/subjects/{subject.pk}/"))
    assert _no_store(client.get("/api/v1/subjects/"))
    assert _no_store(client.get("/api/v1/requests/"))


@pytest.mark.django_db
def test_pages_and_api_answers_in_a_session_are_not_stored(client, officer, customer_a, subject):
    client.force_login(officer)
    assert _no_store(client.get(f"/en/portal/customers/{subject.pk}/"))
    assert _no_store(client.get("/en/portal/"))
    client.force_login(customer_a)
    assert _no_store(client.get("/en/me/"))
    assert _no_store(client.get("/api/v1/subjects/"))


@pytest.mark.django_db
def test_anonymous_pages_keep_their_own_caching(client):
    assert not _no_store(client.get("/healthz"))


@pytest.mark.parametrize("own", [None, "max-age=300, public", "no-cache"])
def test_never_cache_writes_what_djangos_add_never_cache_headers_writes(own):
    ours, djangos = HttpResponse(), HttpResponse()
    if own is not None:
        ours["Cache-Control"] = djangos["Cache-Control"] = own

    never_cache(ours)
    add_never_cache_headers(djangos)

    assert ours["Cache-Control"] == djangos["Cache-Control"]
    assert parse_http_date(ours["Expires"]) == pytest.approx(parse_http_date(djangos["Expires"]), abs=1)


def test_an_expiry_the_view_set_is_kept():
    response = HttpResponse(headers={"Expires": "Thu, 01 Jan 1970 00:00:00 GMT"})
    never_cache(response)
    assert response["Expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
