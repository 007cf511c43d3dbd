"""A spent authorisation code presented again is in other hands (RFC 6749 4.1.2, RFC 9700 4.5): it is
refused, and the tokens it obtained end, with an audit entry; the authorisation stays, and no other
code's tokens are touched."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import Grant

from audit.models import AuditEntry
from authorisations.models import Authorisation
from authorisations.services import oauth_tokens_clear_expired
from tests.authorisations.factories import approve, credentials, exchange, pkce_pair, refresh

REPLAYED = "authorisations.authorisation.code_replayed"


def _introspect(gateway, token) -> dict:
    return gateway.post("/oauth/introspect/", {"token": token}).json()


def _pair(browser, api, registration) -> tuple[str, str, dict]:
    """A code approved on the consent screen and exchanged once: (code, verifier, tokens)."""
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser, client_id, challenge)
    tokens = exchange(api, client_id, secret, code, verifier).json()
    return code, verifier, tokens


def test_a_replayed_code_ends_the_tokens_it_obtained(browser1, api, registration, gateway):
    client_id, secret = credentials(registration)
    code, verifier, tokens = _pair(browser1, api, registration)
    assert _introspect(gateway, tokens["access_token"])["active"] is True

    again = exchange(api, client_id, secret, code, verifier)

    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert _introspect(gateway, tokens["access_token"]) == {"active": False}
    assert refresh(api, client_id, secret, tokens["refresh_token"]).status_code == 400
    authorisation = Authorisation.objects.get()
    assert authorisation.status == "active"
    assert authorisation.code_fingerprint and code not in authorisation.code_fingerprint
    entry = AuditEntry.objects.get(action=REPLAYED)
    assert entry.target_id == str(authorisation.pk)
    assert entry.data["client_id"] == client_id


def test_the_tokens_refreshed_from_the_code_end_too(browser1, api, registration, gateway):
    client_id, secret = credentials(registration)
    code, verifier, tokens = _pair(browser1, api, registration)
    rotated = refresh(api, client_id, secret, tokens["refresh_token"]).json()

    exchange(api, client_id, secret, code, verifier)

    assert _introspect(gateway, rotated["access_token"]) == {"active": False}
    assert refresh(api, client_id, secret, rotated["refresh_token"]).status_code == 400


def test_a_replaced_authorisations_code_leaves_the_new_ones_tokens(browser1, api, registration, gateway):
    client_id, secret = credentials(registration)
    old_code, old_verifier, _old = _pair(browser1, api, registration)
    _code, _verifier, tokens = _pair(browser1, api, registration)  # approved again: the first is replaced

    assert exchange(api, client_id, secret, old_code, old_verifier).status_code == 400

    assert _introspect(gateway, tokens["access_token"])["active"] is True
    assert not AuditEntry.objects.filter(action=REPLAYED).exists()


def test_a_code_never_issued_ends_nothing(browser1, api, registration, gateway):
    client_id, secret = credentials(registration)
    _code, verifier, tokens = _pair(browser1, api, registration)

    assert exchange(api, client_id, secret, "never-issued", verifier).status_code == 400

    assert _introspect(gateway, tokens["access_token"])["active"] is True
    assert not AuditEntry.objects.filter(action=REPLAYED).exists()


def test_a_never_exchanged_code_presented_after_the_purge_is_not_a_replay(browser1, api, registration):
    """An approved code the third party never exchanged expires and the nightly purge deletes its grant:
    presented later, it is a plain invalid_grant, as it was before the purge, not a spent code replayed."""
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    Grant.objects.filter(code=code).update(expires=timezone.now() - timedelta(minutes=5))
    assert exchange(api, client_id, secret, code, verifier).status_code == 400

    oauth_tokens_clear_expired()
    assert not Grant.objects.filter(code=code).exists()
    after = exchange(api, client_id, secret, code, verifier)

    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
    assert not AuditEntry.objects.filter(action=REPLAYED).exists()


def test_a_spent_code_presented_after_the_purge_is_still_a_replay(browser1, api, registration, gateway):
    client_id, secret = credentials(registration)
    code, verifier, tokens = _pair(browser1, api, registration)
    oauth_tokens_clear_expired()

    again = exchange(api, client_id, secret, code, verifier)

    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert _introspect(gateway, tokens["access_token"]) == {"active": False}
    assert AuditEntry.objects.filter(action=REPLAYED).count() == 1
