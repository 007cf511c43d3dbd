"""/oauth/token/ and /oauth/revoke_token/: each wrong client secret costs the slow hash, so failed client
authentications are budgeted per client_id and per address (OAUTH_THROTTLE_*), refused with an OAuth
JSON 429 and Retry-After before the secret is hashed; a client that authenticates is never counted."""

from __future__ import annotations

import base64

import pytest
from oauth2_provider import oauth2_validators

from integrations.api import throttling
from tests.authorisations.factories import REDIRECT_URI, credentials

MIDDLE_OF_A_WINDOW = 60 * 29_000_000 + 30.0


@pytest.fixture
def rates(settings, monkeypatch):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "oauth_client": "3/min",
            "oauth_address": "5/min",
        },
    }
    # Attempts straddling a minute's edge would fall in two windows.
    monkeypatch.setattr(throttling.ConfiguredRateThrottle, "timer", staticmethod(lambda: MIDDLE_OF_A_WINDOW))


@pytest.fixture
def hashed(monkeypatch):
    """How many client secrets the toolkit hashed."""
    calls = []
    real = oauth2_validators.check_password

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(oauth2_validators, "check_password", counted)
    return calls


def _exchange(client, client_id, secret, *, code="no-such-code", **extra):
    return client.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": "v" * 43,
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "client_secret": secret,
        },
        **extra,
    )


def test_wrong_secrets_are_refused_before_hashing_once_the_clients_budget_is_spent(
    rates, hashed, client, registration
):
    client_id, _secret = credentials(registration)
    statuses = [_exchange(client, client_id, f"guess-{i}").status_code for i in range(3)]
    assert statuses == [401, 401, 401]
    assert len(hashed) == 3
    refused = _exchange(client, client_id, "guess-4", REMOTE_ADDR="10.9.9.9")  # another address too
    assert refused.status_code == 429
    assert len(hashed) == 3
    assert refused.json()["error"] == "slow_down" and refused.json()["error_description"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"


def test_http_basic_credentials_count_against_the_same_client(rates, client, registration):
    client_id, _secret = credentials(registration)
    for i in range(3):
        assert _exchange(client, client_id, f"guess-{i}").status_code == 401
    basic = base64.b64encode(f"{client_id}:guess".encode()).decode()
    response = client.post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": "x"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 429


def test_a_client_that_authenticates_is_never_counted(rates, client, registration):
    client_id, secret = credentials(registration)
    # The right secret with a wrong code: a refusal (invalid_grant), but not a failed authentication.
    assert {_exchange(client, client_id, secret).status_code for _ in range(6)} == {400}


def test_each_address_has_a_budget_of_failures_across_client_ids(rates, client, registration):
    statuses = [_exchange(client, f"unknown-{i}", "guess").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert _exchange(client, "unknown-x", "guess", REMOTE_ADDR="10.9.9.9").status_code == 401


def test_revocation_is_throttled_too(rates, client, registration):
    client_id, _secret = credentials(registration)
    answers = [
        client.post(
            "/oauth/revoke_token/", {"token": "x", "client_id": client_id, "client_secret": f"guess-{i}"}
        ).status_code
        for i in range(4)
    ]
    assert answers == [401, 401, 401, 429]
