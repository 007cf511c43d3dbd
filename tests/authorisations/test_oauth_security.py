"""The OAuth server's guards: PKCE, exact redirect URIs, single-use short-lived codes, registered
scopes only, no client credentials, hashed secrets and tokens, customers only on the consent screen."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from authorisations.models import Authorisation
from tests.authorisations.factories import (
    approve,
    authorize_url,
    consent_screen,
    consent_screen_url,
    credentials,
    exchange,
    pkce_pair,
    register,
)


def test_scope_beyond_the_registration_is_refused_with_400_invalid_scope(browser1, registration):
    response = browser1.get(consent_screen_url(registration, scope="accounts:read profile:read"))
    assert response.status_code == 400
    assert "invalid_scope" in response.content.decode()
    assert not Authorisation.objects.exists()


def test_wrong_redirect_uri_is_refused_without_redirecting(browser1, registration):
    for uri in (
        "https://evil.example/callback",
        "https://ketoan.example.vn/oauth/callback/extra",
        "https://ketoan.example.vn/oauth/callback?x=1",
    ):
        response = browser1.get(consent_screen_url(registration, redirect_uri=uri))
        assert response.status_code == 400, uri
        assert "Location" not in response


def test_pkce_is_required_and_only_s256(browser1, registration):
    client_id, _secret = credentials(registration)
    no_pkce = browser1.get(authorize_url(client_id, "", code_challenge_method=""))
    plain = browser1.get(authorize_url(client_id, "x" * 50, code_challenge_method="plain"))
    for response, error in ((no_pkce, "invalid_request"), (plain, "invalid_request")):
        assert response.status_code == 302
        assert parse_qs(urlparse(response["Location"]).query)["error"] == [error]
    assert not Grant.objects.exists()


def test_a_code_works_once(browser1, api, registration):
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    assert exchange(api, client_id, secret, code, verifier).status_code == 200
    again = exchange(api, client_id, secret, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_code_expires_within_a_minute(browser1, api, registration, settings):
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    Grant.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert exchange(api, client_id, secret, code, verifier).json()["error"] == "invalid_grant"


def test_a_wrong_verifier_or_redirect_uri_at_the_token_endpoint_fails(browser1, api, registration):
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    assert exchange(api, client_id, secret, code, "wrong-verifier-" + "x" * 40).status_code == 400
    assert (
        exchange(api, client_id, secret, code, verifier, redirect_uri="https://evil.example/cb").status_code
        == 400
    )


def test_client_credentials_cannot_reach_customer_data(api, registration):
    client_id, secret = credentials(registration)
    response = api.post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "accounts:read",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_implicit_flow_is_refused(browser1, registration):
    response = browser1.get(consent_screen_url(registration, response_type="token"))
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["unsupported_response_type"]
    assert not AccessToken.objects.exists()


def test_secrets_and_tokens_are_stored_hashed(authorised, registration):
    _authorisation, tokens = authorised
    stored_secret = registration.third_party.application.__class__.objects.get().client_secret
    assert stored_secret != registration.client_secret
    identify_hasher(stored_secret)
    access = AccessToken.objects.get()
    refresh = RefreshToken.objects.get()
    assert access.token == "" and refresh.token == ""
    assert access.token_checksum == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
    assert refresh.token_checksum == hashlib.sha256(tokens["refresh_token"].encode()).hexdigest()


def test_only_customers_reach_the_consent_screen(client, officer, registration):
    url = consent_screen_url(registration)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(officer)
    assert client.get(url).status_code == 403


def test_a_suspended_third_party_cannot_be_authorised(browser1, registration):
    from authorisations import services
    from tests.authorisations.factories import DPO

    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk)
    _page, data = consent_screen(browser1, registration)
    response = browser1.post("/oauth/authorize/", {**data, "allow": "on", "duration_days": 30})
    assert response.status_code == 200
    assert not Authorisation.objects.exists()


def test_a_foreign_third_party_needs_the_cross_border_acknowledgement(browser1, customer1):
    registration = register(country="SG")
    page, data = consent_screen(browser1, registration)
    assert 'data-testid="cross-border"' in page.content.decode()
    refused = browser1.post("/oauth/authorize/", {**data, "allow": "on", "duration_days": 30})
    assert refused.status_code == 200 and not Authorisation.objects.exists()
    accepted = browser1.post(
        "/oauth/authorize/", {**data, "allow": "on", "duration_days": 30, "cross_border": "on"}
    )
    assert accepted.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.cross_border and authorisation.destination_country == "SG"


def test_declining_creates_nothing_and_tells_the_client(browser1, registration):
    _page, data = consent_screen(browser1, registration)
    response = browser1.post("/oauth/authorize/", data)
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["access_denied"]
    assert not Authorisation.objects.exists()


def test_the_customer_may_shorten_but_not_lengthen(browser1, registration):
    _page, data = consent_screen(browser1, registration, duration_days=90)
    assert data["requested_days"] == 90
    longer = browser1.post("/oauth/authorize/", {**data, "allow": "on", "duration_days": 365})
    assert longer.status_code == 200 and not Authorisation.objects.exists()
    browser1.post("/oauth/authorize/", {**data, "allow": "on", "duration_days": 30})
    authorisation = Authorisation.objects.get()
    assert authorisation.expires_at - authorisation.starts_at == timedelta(days=30)


def test_a_tampered_consent_form_is_shown_again_not_a_crash(browser1, registration):
    _page, data = consent_screen(browser1, registration)
    response = browser1.post("/oauth/authorize/", {**data, "requested_days": "abc", "allow": "on"})
    assert response.status_code == 200
    assert not Authorisation.objects.exists()


def test_the_third_party_revokes_its_own_token(authorised, registration, api, gateway):
    _authorisation, tokens = authorised
    client_id, secret = credentials(registration)
    response = api.post(
        "/oauth/revoke_token/",
        {"token": tokens["access_token"], "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200
    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json() == {"active": False}


def test_the_client_cannot_skip_the_forced_consent_screen_with_approval_prompt_auto(
    authorised, registration, browser1
):
    """REQUEST_APPROVAL_PROMPT is "force": the customer reads and approves the terms each time a code is
    issued. A third party adding `approval_prompt=auto` to its authorisation URL must still get the
    consent screen, not a code issued silently from the customer's open session and unexpired token
    (security review, round 2)."""
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    codes = Grant.objects.count()
    response = browser1.get(authorize_url(client_id, challenge, approval_prompt="auto"))
    assert response.status_code == 200, response.get("Location")
    assert response.context["third_party"] == registration.third_party
    assert Grant.objects.count() == codes  # no code issued by the mere visit
    # Approving the screen still works as usual, with the parameter on the URL.
    code = approve(browser1, client_id, challenge, approval_prompt="auto")
    assert code
