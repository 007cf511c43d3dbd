"""How django-oauth-toolkit learns the platform's rules for third-party access.

- the server: authorisation code with PKCE (S256 only) and refresh tokens, nothing else: no implicit
  flow, no password grant, no client credentials, so customer data is read on a customer's
  authorisation only;
- scopes: a third party may ask only for the data scopes the DPO registered for it (anything else is
  `invalid_scope`), and there are no scopes beyond the read-only data catalogue;
- a code is exchanged, and a refresh token used, only while the authorisation the customer gave
  that third party is ACTIVE and unexpired: a pause, a revocation, the end of the term or the one read
  of a one-time authorisation (used) stops them. A daily limit reached does not: a token reads nothing
  by itself, and introspection answers inactive until the bank's midnight (`token_introspect`);
- those checks run before anything is saved, outside any transaction: the save of a new pair checks the
  secret, the authorisation and the refresh token again under locks, so that a secret's rotation or an
  authorisation's end committing meanwhile leaves no pair behind (docs/architecture.md, "Transactions");
- a code exchanged once and presented again (its grant gone, the code its authorisation's approval
  issued) is `invalid_grant`, and the tokens it obtained end (`authorisation_code_replayed`, RFC 9700
  4.5): someone else holds it;
- a code whose grant is deleted while it is checked (the same code exchanged at the same moment, the
  authorisation's end deleting its codes) is `invalid_grant`, as an unknown code is, not a server error;
  two exchanges at the same moment are a code used twice, and the pair the first one got ends as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import router, transaction
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauthlib.oauth2 import WebApplicationServer
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    AuthorizationCodeGrant,
    code_challenge_method_s256,
)

from authorisations.scopes import DATA_SCOPES
from authorisations.selectors import authorisation_live_for
from authorisations.services import authorisation_code_replayed, authorisation_code_spent
from core.db import share_locked_values


class ThirdPartyScopes(BaseScopes):
    def get_all_scopes(self):
        return {code: str(label) for code, label in DATA_SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        third_party = getattr(application, "third_party", None) if application is not None else None
        return list(third_party.scopes) if third_party is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        # No silent widening: a request that names no scope asks for nothing, and is refused.
        return []


class _RefusedWhileSaving:
    """An error raised while the new pair is saved, answered as the token endpoint answers the refusals of
    oauthlib's own checks: JSON, never cached (oauthlib adds these headers only to those)."""

    @property
    def headers(self) -> dict[str, str]:
        return {
            **super().headers,
            "Content-Type": "application/json",
            "Cache-Control": "no-store",
            "Pragma": "no-cache",
        }


class _SecretReplaced(_RefusedWhileSaving, errors.InvalidClientError):
    """The client authenticated with a secret replaced since (401 invalid_client)."""


class _GrantEnded(_RefusedWhileSaving, errors.InvalidGrantError):
    """The authorisation, the refresh token or the code ended (the code: spent by another exchange) since
    it was checked (400 invalid_grant)."""


class _CodeSpentMeanwhile(_GrantEnded):
    """Another exchange of the same code spent it while this one was checked: the code was used twice."""


@contextmanager
def _grant_gone_is_invalid(request) -> Iterator[None]:
    """The toolkit reads the code's grant again after `validate_code` passed, with `Grant.objects.get`:
    a grant deleted in between (a concurrent exchange of the same code, an authorisation ending) is the
    client's invalid_grant, which oauthlib answers as its own refusals, rather than an uncaught error."""
    try:
        yield
    except get_grant_model().DoesNotExist:
        raise errors.InvalidGrantError(request=request) from None


class AuthorisationValidator(OAuth2Validator):
    def _authorised(self, request, *, locked: bool = False) -> bool:
        authorisation = authorisation_live_for(user=request.user, application=request.client, locked=locked)
        return authorisation is not None and authorisation.usable_at(timezone.now())

    def save_bearer_token(self, token, request, *args, **kwargs):
        # The client's secret, the code or refresh token and the authorisation were checked before, outside
        # any transaction. A secret's rotation or the end of the authorisation that committed since then
        # revoked the client's tokens without this pair, which would outlive it: checked again, under
        # locks those writers take too, in the transaction that saves the pair.
        try:
            with transaction.atomic(using=router.db_for_write(get_access_token_model())):
                self._still_issuable(request)
                return super().save_bearer_token(token, request, *args, **kwargs)
        except _CodeSpentMeanwhile:
            # Used twice at once is used twice (RFC 6749 4.1.2): the pair the other exchange got ends too.
            authorisation_code_replayed(application=request.client, code=request.code)
            raise

    def _still_issuable(self, request) -> None:
        """Refuse the pair unless the checks made before still hold, with the locks taken in the one lock
        order (docs/architecture.md, "Transactions"). The client's row, shared: a rotation updates it
        before it revokes anything, so a rotation under way is waited for and its new secret read here
        (refused), and one that comes later waits for this save and revokes its pair. Then the
        authorisation (a move to an end under way is waited for; a later one ends this pair with the
        others), then the refresh token used (revoked meanwhile, by the client or the reuse protection;
        there is no grace period for a revoked one, REFRESH_TOKEN_GRACE_PERIOD_SECONDS being 0), or the
        code exchanged, which is deleted here."""
        stored = share_locked_values(
            get_application_model().objects.filter(pk=request.client.pk).values_list("client_secret")
        )
        if stored != [(request.client.client_secret,)]:
            raise _SecretReplaced(request=request)
        if not self._authorised(request, locked=True):
            raise _GrantEnded(request=request)
        if request.grant_type == "authorization_code":
            # oauthlib deletes the code only after the pair is saved: another exchange of it that passed the
            # checks meanwhile would save a pair of its own. The code is spent here, in the pair's
            # transaction; whoever finds it gone is refused, and saves nothing.
            grant = get_grant_model().objects.filter(code=request.code, application=request.client)
            spent, _ = grant.delete()
            if not spent:
                raise _CodeSpentMeanwhile(request=request)
            authorisation_code_spent(application=request.client, code=request.code)
            request.code_spent = True
        used = getattr(request, "refresh_token_instance", None)
        if used is not None:
            unrevoked = get_refresh_token_model().objects.filter(pk=used.pk, revoked__isnull=True)
            if unrevoked.select_for_update().first() is None:
                raise _GrantEnded(request=request)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return self._authorised(request)
        if not get_grant_model().objects.filter(code=code, application=client).exists():
            # Spent, expired and purged, or never issued: only a spent one (exchanged, marked so by
            # `authorisation_code_spent`) ends the tokens it obtained.
            authorisation_code_replayed(application=client, code=code)
        return False

    def get_code_challenge(self, code, request):
        with _grant_gone_is_invalid(request):
            return super().get_code_challenge(code, request)

    def get_code_challenge_method(self, code, request):
        with _grant_gone_is_invalid(request):
            return super().get_code_challenge_method(code, request)

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        with _grant_gone_is_invalid(request):
            return super().confirm_redirect_uri(
                client_id, code, redirect_uri, client, request, *args, **kwargs
            )

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        if not getattr(request, "code_spent", False):  # spent with the pair's save (`_still_issuable`)
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        return super().validate_refresh_token(
            refresh_token, client, request, *args, **kwargs
        ) and self._authorised(request)


class S256AuthorizationCodeGrant(AuthorizationCodeGrant):
    # RFC 9700 2.1.1: "plain" PKCE protects nothing once the challenge leaks; refuse it up front, on
    # the consent screen's first request, rather than after the customer has approved.
    _code_challenge_methods = {"S256": code_challenge_method_s256}


class ThirdPartyServer(WebApplicationServer):
    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        self.auth_grant = S256AuthorizationCodeGrant(request_validator)
        self._response_types["code"] = self.auth_grant
        self._grant_types["authorization_code"] = self.auth_grant
