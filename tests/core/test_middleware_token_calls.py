"""API calls that carry a token skip Django's session, user and message middleware
(core.middleware.SkippedOnTokenApiCalls): the token alone decides who calls, a browser's session
cookie sent along is neither read nor written, and browsers' API calls keep every check."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.middleware import is_token_api_call
from tests.factories import make_token

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/subjects/search/"


def test_a_token_call_is_answered_as_the_tokens_user_whatever_session_it_carries(client_user, officer):
    caller = APIClient()
    caller.force_login(officer)  # the officer's session could list subjects; the token cannot
    session = Session.objects.get()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['consents:read'])}")

    response = caller.get("/api/v1/subjects/")

    assert response.status_code == 403
    assert "subjects:read" in response.json()["detail"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get() == session
    assert Session.objects.get().expire_date == session.expire_date


def test_a_token_call_creates_no_session(client_user):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['consents:read'])}")

    response = caller.get("/api/v1/consents/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.parametrize("header", ["Token", "Token a b", "token not-a-token"])
def test_a_bad_token_is_refused_even_with_a_signed_in_session(officer, header):
    caller = APIClient()
    caller.force_login(officer)

    response = caller.get("/api/v1/subjects/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_csrf_is_still_enforced_on_a_sessions_api_write(officer):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(officer)

    refused = browser.post(SEARCH, {"phone": "0912000111"}, format="json")
    browser.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    allowed = browser.post(SEARCH, {"phone": "0912000111"}, format="json", HTTP_X_CSRFTOKEN="a" * 32)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert allowed.status_code == 200, allowed.content


def test_a_sessions_api_call_still_answers_as_the_signed_in_person(officer):
    browser = APIClient()
    browser.force_login(officer)

    assert browser.get("/api/v1/subjects/").status_code == 200


@pytest.mark.parametrize(
    ("path", "authorization", "expected"),
    [
        ("/api/v1/consent-check/", "Token abc", True),
        ("/api/v1/consent-check/", "token abc", True),
        ("/api/v1/consent-check/", "Token", True),
        ("/api/v1/consent-check/", "Bearer abc", False),
        ("/api/v1/consent-check/", "", False),
        ("/portal/", "Token abc", False),
        ("/oauth/introspect/", "Token abc", False),
    ],
)
def test_which_calls_are_token_api_calls(path, authorization, expected):
    request = RequestFactory().get(path, HTTP_AUTHORIZATION=authorization)
    assert is_token_api_call(request) is expected
