"""The purpose catalogue the mobile app reads at every start: an `ETag`, and `304 Not Modified` while
it has not changed, so the app keeps its copy and revalidates it (`private, no-cache`), where it read
the whole catalogue again each time (`no-store`, no validator)."""

from __future__ import annotations

import pytest

from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db
CATALOGUE = ["/api/v1/purposes/", "/api/v1/purposes/marketing/", "/api/v1/purposes/marketing/notices/"]


@pytest.mark.parametrize("path", CATALOGUE)
def test_the_catalogue_is_revalidated_not_downloaded_again(as_user, client_user, path):
    make_purpose("marketing", category="marketing")
    api = as_user(client_user, ["consents:read"])

    first = api.get(path, HTTP_ACCEPT_LANGUAGE="vi")
    again = api.get(path, HTTP_ACCEPT_LANGUAGE="vi", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304 and again.content == b""
    assert "no-store" not in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]


def test_a_change_or_another_language_gives_another_etag(as_user, client_user, dpo):
    make_purpose("marketing", category="marketing")
    api = as_user(client_user, ["consents:read"])
    first = api.get("/api/v1/purposes/", HTTP_ACCEPT_LANGUAGE="vi")

    english = api.get("/api/v1/purposes/", HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=first["ETag"])
    make_purpose("loyalty", category="marketing")
    changed = api.get("/api/v1/purposes/", HTTP_ACCEPT_LANGUAGE="vi", HTTP_IF_NONE_MATCH=first["ETag"])

    assert english.status_code == 200 and english["ETag"] != first["ETag"]
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_personal_answers_stay_no_store(as_user, client_user):
    api = as_user(client_user, ["consents:read"])
    assert "no-store" in api.get("/api/v1/consents/")["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/api/v1/purposes/", "/api/v1/purposes/{code}/", "/api/v1/purposes/{code}/notices/"]
)
def test_the_schema_names_the_revalidation(client, path):
    operation = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"][path]["get"]
    assert "304" in operation["responses"]
    assert "If-None-Match" in [parameter["name"] for parameter in operation["parameters"]]
