"""/oauth/token/ checks again, as it saves a new pair, what it checked before: the client's secret, the
customer's authorisation and the refresh token used. Here what ends the client's tokens commits between
the checks and the save (run as the save begins, as another writer committing at that moment would);
its real timing, with row locks, is in test_oauth_token_race.py (PostgreSQL). The pair used to be saved
anyway, after the revocation, and outlived it."""

from __future__ import annotations

import pytest
from oauth2_provider.models import AccessToken, RefreshToken

from authorisations import services
from authorisations.oauth import AuthorisationValidator
from core.actors import actor_for_user
from tests.authorisations.factories import DPO, approve, credentials, exchange, pkce_pair, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def before_the_save(monkeypatch):
    """`before_the_save(call)`: `call()` runs once every check has passed, as the new pair's save begins."""

    def run_first(call) -> None:
        save = AuthorisationValidator.save_bearer_token

        def call_then_save(self, *args, **kwargs):
            call()
            return save(self, *args, **kwargs)

        monkeypatch.setattr(AuthorisationValidator, "save_bearer_token", call_then_save)

    return run_first


def _live_tokens(registration) -> tuple[int, int]:
    """The client's access tokens, and its refresh tokens not revoked."""
    application_id = registration.third_party.application_id
    return (
        AccessToken.objects.filter(application_id=application_id).count(),
        RefreshToken.objects.filter(application_id=application_id, revoked__isnull=True).count(),
    )


def _rotation(registration):
    return lambda: services.third_party_rotate_secret(
        actor=DPO, third_party_id=registration.third_party.pk, revoke_tokens=True
    )


def test_a_refresh_checked_before_a_rotation_that_revokes_the_tokens_gets_none(
    authorised, registration, api, before_the_save
):
    _authorisation, tokens = authorised
    client_id, old_secret = credentials(registration)
    before_the_save(_rotation(registration))

    answer = refresh(api, client_id, old_secret, tokens["refresh_token"])

    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert answer["Cache-Control"] == "no-store"
    assert _live_tokens(registration) == (0, 0)


def test_a_code_checked_before_a_rotation_that_revokes_the_tokens_gets_none(
    registration, browser1, api, before_the_save
):
    client_id, old_secret = credentials(registration)
    verifier, challenge = pkce_pair()
    code = approve(browser1, client_id, challenge)
    before_the_save(_rotation(registration))

    answer = exchange(api, client_id, old_secret, code, verifier)

    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert _live_tokens(registration) == (0, 0)


def test_a_refresh_checked_before_the_customer_revoked_the_authorisation_gets_none(
    authorised, registration, customer1, api, before_the_save
):
    authorisation, tokens = authorised
    client_id, secret = credentials(registration)
    before_the_save(
        lambda: services.authorisation_revoke(
            actor=actor_for_user(customer1),
            authorisation_id=authorisation.pk,
            channel="internet_banking",
            subject=customer1.customer_account.subject,
        ),
    )

    answer = refresh(api, client_id, secret, tokens["refresh_token"])

    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert _live_tokens(registration) == (0, 0)


def test_a_refresh_token_the_client_revoked_after_it_was_checked_gives_no_pair(
    authorised, registration, api, before_the_save
):
    _authorisation, tokens = authorised
    client_id, secret = credentials(registration)

    def the_client_revokes_it():
        revocation = {"token": tokens["refresh_token"], "client_id": client_id, "client_secret": secret}
        assert api.post("/oauth/revoke_token/", revocation).status_code == 200

    before_the_save(the_client_revokes_it)

    answer = refresh(api, client_id, secret, tokens["refresh_token"])

    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert _live_tokens(registration) == (0, 0)
