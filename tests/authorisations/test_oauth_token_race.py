"""A token request in flight and what ends its client's tokens (PostgreSQL: real row locks).

/oauth/token/ checks the client's secret, the refresh token and the customer's authorisation before it
saves anything, outside any transaction. A refresh that passed those checks just before a secret's
rotation (with "revoke the issued tokens") or the customer's revocation committed waited in the
toolkit's save for the refresh token's row that the revoking UPDATE held; it then read the row again,
found it revoked, and issued a fresh pair after the revocation had committed: tokens that outlived it.
The save now checks again, under locks that the revoking writer takes too (`oauth.AuthorisationValidator`)."""

from __future__ import annotations

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, RefreshToken

from authorisations import services
from core.actors import actor_for_user
from tests.authorisations.factories import DPO, credentials, refresh
from tests.concurrency import held_in_other_connection, lock_waited_for, started_in_other_connection
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


def _live_tokens(registration) -> tuple[int, int]:
    """The client's access tokens, and its refresh tokens not revoked."""
    application_id = registration.third_party.application_id
    return (
        AccessToken.objects.filter(application_id=application_id).count(),
        RefreshToken.objects.filter(application_id=application_id, revoked__isnull=True).count(),
    )


def _finished(thread, out) -> dict:
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in out, out
    return out["value"]


def _refresh_waiting_behind(ending, registration, refresh_token, secret):
    """`ending` (a call that ends the client's tokens) waits for the refresh token's row, held by another
    connection, after everything it does before; then a refresh with `secret` passes its checks and
    waits too. The row is let go: returns (ending's outcome, the refresh's answer)."""
    client_id, _secret = credentials(registration)
    row = RefreshToken.objects.get(revoked__isnull=True, application__client_id=client_id)
    with held_in_other_connection(row) as let_go:
        ending_thread, ended = started_in_other_connection(ending)
        assert lock_waited_for(until=lambda: not ending_thread.is_alive()), ended
        refresh_thread, refreshed = started_in_other_connection(
            lambda: refresh(Client(), client_id, secret, refresh_token)
        )
        assert lock_waited_for(until=lambda: not refresh_thread.is_alive(), count=2), refreshed
        let_go()
    return _finished(ending_thread, ended), _finished(refresh_thread, refreshed)


def test_a_refresh_in_flight_gets_no_token_past_a_rotation_that_revokes_them(authorised, registration):
    _authorisation, tokens = authorised
    _client_id, old_secret = credentials(registration)

    _rotation, answer = _refresh_waiting_behind(
        lambda: services.third_party_rotate_secret(
            actor=DPO, third_party_id=registration.third_party.pk, revoke_tokens=True
        ),
        registration,
        tokens["refresh_token"],
        old_secret,
    )

    assert _live_tokens(registration) == (0, 0)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_a_refresh_in_flight_gets_no_token_past_the_customers_revocation(authorised, registration, customer1):
    authorisation, tokens = authorised
    _client_id, secret = credentials(registration)

    revoked, answer = _refresh_waiting_behind(
        lambda: services.authorisation_revoke(
            actor=actor_for_user(customer1),
            authorisation_id=authorisation.pk,
            channel="internet_banking",
            subject=customer1.customer_account.subject,
        ),
        registration,
        tokens["refresh_token"],
        secret,
    )

    assert revoked.status == "revoked"
    assert _live_tokens(registration) == (0, 0)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_a_rotation_after_a_refresh_took_its_locks_revokes_what_the_refresh_issued(authorised, registration):
    """The other order: the refresh holds the client's row (shared) and waits for the authorisation; the
    rotation changes the client's secret before it revokes anything, so it waits for the refresh to
    commit and then revokes the pair the refresh issued too."""
    authorisation, tokens = authorised
    client_id, secret = credentials(registration)
    with held_in_other_connection(authorisation) as let_go:
        refresh_thread, refreshed = started_in_other_connection(
            lambda: refresh(Client(), client_id, secret, tokens["refresh_token"])
        )
        assert lock_waited_for(until=lambda: not refresh_thread.is_alive()), refreshed
        rotation_thread, rotated = started_in_other_connection(
            lambda: services.third_party_rotate_secret(
                actor=DPO, third_party_id=registration.third_party.pk, revoke_tokens=True
            )
        )
        assert lock_waited_for(until=lambda: not rotation_thread.is_alive(), count=2), rotated
        let_go()
    answer = _finished(refresh_thread, refreshed)
    _finished(rotation_thread, rotated)

    assert answer.status_code == 200
    assert _live_tokens(registration) == (0, 0)
