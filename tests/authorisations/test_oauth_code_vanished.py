"""A code whose grant is deleted while /oauth/token/ checks it: a concurrent exchange of the same code, or
the authorisation's end deleting its codes. The toolkit reads the grant again after `validate_code`
(its PKCE challenge and method, its redirect URI) with `Grant.objects.get`: a grant gone by then is the
client's invalid_grant (400), never a server error."""

from __future__ import annotations

import pytest
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from audit.models import AuditEntry
from authorisations.oauth import AuthorisationValidator
from tests.authorisations.factories import approve, credentials, exchange, pkce_pair


@pytest.mark.parametrize("gone_after", ["validate_code", "get_code_challenge", "get_code_challenge_method"])
def test_a_code_whose_grant_vanishes_during_the_checks_is_invalid_grant(
    browser1, api, registration, monkeypatch, gone_after
):
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    check = getattr(AuthorisationValidator, gone_after)

    def then_the_grant_goes(self, *args, **kwargs):
        answer = check(self, *args, **kwargs)
        Grant.objects.filter(code=code).delete()
        return answer

    monkeypatch.setattr(AuthorisationValidator, gone_after, then_the_grant_goes)

    response = exchange(api, client_id, secret, code, verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response["Cache-Control"] == "no-store"
    assert not AccessToken.objects.exists()


def test_a_code_exchanged_twice_at_once_leaves_no_pair(browser1, api, registration, monkeypatch):
    """oauthlib saves the pair before it deletes the code: two exchanges that both passed the checks both
    saved a pair, and the later one's 400 left its pair behind, a second live token from one code. And a
    code used twice at once is used twice (RFC 6749 4.1.2): the pair the first exchange got ends too,
    audited as a replay."""
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    save = AuthorisationValidator.save_bearer_token
    answers = []

    def the_other_exchange_first(self, *args, **kwargs):
        monkeypatch.setattr(AuthorisationValidator, "save_bearer_token", save)
        answers.append(exchange(api, client_id, secret, code, verifier))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(AuthorisationValidator, "save_bearer_token", the_other_exchange_first)

    late = exchange(api, client_id, secret, code, verifier)

    assert answers[0].status_code == 200
    assert late.status_code == 400, late.content
    assert late.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert AuditEntry.objects.filter(action="authorisations.authorisation.code_replayed").count() == 1
