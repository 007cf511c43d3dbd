"""Every refusal in the `{"detail": ...}` shape carries a `code` an app can branch on, not only the
domain's: a 401, a 403 of the role or scope, a 405, a 429 said only in words could be told apart by
parsing a sentence in the language asked, which changes with Accept-Language."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_scope_the_token_lacks_is_coded(as_user, client_user):
    answer = as_user(client_user, ["consents:read"]).post("/api/v1/requests/", {}, format="json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_no_credentials_is_coded():
    answer = APIClient().get("/api/v1/consents/", HTTP_ACCEPT_LANGUAGE="vi")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_a_method_not_taken_is_coded(as_user, client_user):
    answer = as_user(client_user, ["consents:read"]).delete("/api/v1/consent-check/")
    assert answer.status_code == 405
    assert answer.json()["code"] == "method_not_allowed"


def test_too_many_calls_is_coded(as_user, client_user, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "token": "1/min"},
    }
    api = as_user(client_user, ["consents:read"])
    api.get("/api/v1/purposes/")

    answer = api.get("/api/v1/purposes/", HTTP_ACCEPT_LANGUAGE="vi")

    assert answer.status_code == 429 and answer["Retry-After"]
    assert answer.json()["code"] == "throttled"


def test_an_address_with_no_endpoint_is_coded(as_user, client_user):
    answer = as_user(client_user, ["consents:read"]).get("/api/v1/consent-checks/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
