"""Error answers an integrating system acts on: the status says what went wrong (a method the endpoint
does not have is a 405, not a role refusal), and the message is in the caller's language (Vietnamese
when it names none), like every other refusal of the API: DRF's own refusals (no credentials, a body
that is not JSON, a body type or an answer format the endpoint does not take, a method it does not
have, too many calls) included, their status and headers unchanged."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_the_endpoint_does_not_have_is_405_not_a_role_refusal(as_user, client_user, dpo, method):
    consent = grant(make_subject(), make_purpose("m405", category="marketing"))
    for caller in (as_user(client_user), as_user(dpo)):
        answer = getattr(caller, method)(f"/api/v1/consents/{consent.pk}/", {}, format="json")
        assert answer.status_code == 405, (answer.status_code, answer.json())
        assert "GET" in answer["Allow"]
        assert answer.json()["detail"]


def test_a_method_the_endpoint_has_is_still_refused_to_a_role_without_it(as_user, auditor, customer_a):
    # The 405 is only for what no role could do: a method the endpoint has stays a 403 for a role that
    # may not use it, and an anonymous caller is still asked to authenticate first.
    assert as_user(auditor).post("/api/v1/requests/", {}, format="json").status_code == 403
    assert as_user(customer_a).post("/api/v1/purposes/", {}, format="json").status_code == 403
    assert APIClient().put("/api/v1/purposes/", {}, format="json").status_code == 401


ENGLISH_ONLY = {
    "no credentials (401)": "Authentication credentials were not provided.",
    "malformed JSON (400)": "JSON parse error",
    "unsupported body type (415)": "Unsupported media type",
    "unacceptable Accept (406)": "Could not satisfy the request Accept header.",
    "method not allowed (405)": 'Method "PUT" not allowed.',
}


def _refusal(case: str, api, **headers):
    if case.startswith("no credentials"):
        return APIClient().get("/api/v1/consents/", **headers)
    if case.startswith("malformed"):
        return api.post("/api/v1/consents/", b"{bad", content_type="application/json", **headers)
    if case.startswith("unsupported"):
        return api.post("/api/v1/consents/", b"hi", content_type="text/plain", **headers)
    if case.startswith("method"):
        return api.put("/api/v1/consents/", {}, format="json", **headers)
    return api.get("/api/v1/consents/", HTTP_ACCEPT="application/xml", **headers)


@pytest.mark.parametrize("case", list(ENGLISH_ONLY))
def test_protocol_refusals_are_said_in_vietnamese_to_a_vietnamese_caller(as_user, client_user, case):
    answer = _refusal(case, as_user(client_user), HTTP_ACCEPT_LANGUAGE="vi")
    assert 400 <= answer.status_code < 500
    detail = answer.json()["detail"]
    assert ENGLISH_ONLY[case] not in detail, detail


@pytest.mark.parametrize(
    ("case", "status"),
    [("no credentials (401)", 401), ("malformed JSON (400)", 400), ("unsupported body type (415)", 415),
     ("unacceptable Accept (406)", 406), ("method not allowed (405)", 405)],
)
def test_protocol_refusals_keep_their_status_and_shape_in_either_language(as_user, client_user, case, status):
    api = as_user(client_user)
    in_english = _refusal(case, api, HTTP_ACCEPT_LANGUAGE="en")
    in_vietnamese = _refusal(case, api, HTTP_ACCEPT_LANGUAGE="vi")
    by_default = _refusal(case, api)
    assert (in_english.status_code, list(in_english.json())) == (status, ["detail", "code"])
    assert (by_default.status_code, by_default.json()) == (status, in_vietnamese.json())
    assert in_vietnamese.json() != in_english.json()
    if status == 401:
        assert in_english["WWW-Authenticate"] == by_default["WWW-Authenticate"] == "Token"


def test_the_429_is_said_in_vietnamese_with_its_retry_after(settings, as_user, client_user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min", "token": "3/min"},
    }
    caller = as_user(client_user, scopes=["consents:read"])
    for _ in range(3):
        caller.get("/api/v1/consents/")

    answer = caller.get("/api/v1/consents/", HTTP_ACCEPT_LANGUAGE="vi")

    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0
    assert "throttled" not in answer.json()["detail"].lower()
    assert answer["Retry-After"] in answer.json()["detail"]
