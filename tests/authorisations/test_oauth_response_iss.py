"""RFC 9207 2: every authorisation response redirected to the client carries the bank's `iss`, once,
the errors (a decline, a request refused) as the codes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.authorisations.factories import approve, authorize_url, consent_screen, credentials, pkce_pair


def _query(response) -> dict:
    return parse_qs(urlparse(response["Location"]).query)


def _issuer_of_a_code(browser, registration) -> list[str]:
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    page = browser.get(authorize_url(client_id, challenge))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if form.fields[name].widget.is_hidden}
    return _query(browser.post("/oauth/authorize/", {**data, "allow": "on", "duration_days": 30}))["iss"]


def test_a_decline_carries_state_and_the_same_iss_as_a_code(browser1, registration):
    _page, data = consent_screen(browser1, registration, state="st-123")
    declined = _query(browser1.post("/oauth/authorize/", data))
    assert declined["error"] == ["access_denied"] and declined["state"] == ["st-123"]
    assert declined["iss"] == _issuer_of_a_code(browser1, registration)
    assert len(declined["iss"]) == 1 and declined["iss"][0].startswith("http")


def test_a_request_refused_with_a_redirect_carries_iss(browser1, registration):
    client_id, _secret = credentials(registration)
    refused = browser1.get(authorize_url(client_id, "x" * 50, code_challenge_method="plain"))
    assert refused.status_code == 302
    assert _query(refused)["error"] == ["invalid_request"]
    assert len(_query(refused)["iss"]) == 1


def test_a_code_carries_iss_once(browser1, registration):
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    code = approve(browser1, client_id, challenge)
    assert code
    assert len(_issuer_of_a_code(browser1, registration)) == 1
