"""What the middleware stack writes on a token API answer, pinned header by header: the stack takes
shortcuts on this path for speed (core.middleware), and no answer may change by them."""
from __future__ import annotations

import re

import pytest
from csp.utils import build_policy
from django.conf import settings
from django.utils.http import http_date, parse_http_date

from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def _fixed_headers(language: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Allow": "GET, HEAD, OPTIONS",
        "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
        "X-Frame-Options": "DENY",
        "Vary": "Accept-Language",
        "Content-Language": language,
        "Permissions-Policy": settings.PERMISSIONS_POLICY,
        "Content-Security-Policy": build_policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def _check(api, subject_ref: str, **headers):
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    return api.get("/api/v1/consent-check/", {"subject": subject_ref, "purpose": "kyc"}, **headers)


def _assert_stack_headers(response, language: str) -> None:
    headers = dict(response.items())
    assert REQUEST_ID.match(headers.pop("X-Request-ID"))
    assert parse_http_date(headers.pop("Expires")) == pytest.approx(parse_http_date(http_date()), abs=1)
    assert headers.pop("Content-Length") == str(len(response.content))
    assert headers == _fixed_headers(language)


@pytest.mark.parametrize(
    ("accept_language", "language"), [("en-GB,en;q=0.9", "en"), ("vi", "vi"), (None, "vi")]
)
def test_a_token_consent_check_keeps_every_header(as_user, client_user, subject, accept_language, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = _check(as_user(client_user), subject.external_ref, **headers)

    assert response.status_code == 200, response.content
    _assert_stack_headers(response, language)


def test_a_token_calls_404_keeps_every_header(as_user, client_user):
    response = _check(as_user(client_user), "nobody", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    _assert_stack_headers(response, "en")


def test_the_caller_asks_for_a_language_by_cookie_too(as_user, client_user, subject):
    api = as_user(client_user)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = _check(api, subject.external_ref, HTTP_ACCEPT_LANGUAGE="vi")

    assert response["Content-Language"] == "en"


def test_an_echoed_request_id_is_kept(as_user, client_user, subject):
    response = _check(as_user(client_user), subject.external_ref, HTTP_X_REQUEST_ID="trace-42")

    assert response["X-Request-ID"] == "trace-42"
