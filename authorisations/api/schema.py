"""The OAuth 2.0 endpoints in `/api/schema/`, beside the DRF views drf-spectacular finds itself.

`/oauth/authorize/`, `/oauth/token/` and `/oauth/revoke_token/` are django-oauth-toolkit's Django
views (the consent screen is `authorisations.views.ConsentScreenView`), which drf-spectacular does not
enumerate; `/oauth/introspect/` is a DRF view and documents itself. `oauth_endpoints`, a
postprocessing hook (`SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`), adds the three as they behave
with this platform's settings: authorisation code with PKCE S256 only (`authorisations.oauth`), a
form-encoded token request (RFC 6749 4.1.3 and 6), RFC 7009 revocation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from authorisations.scopes import DATA_SCOPES
from authorisations.states import MAX_DURATION_DAYS

FORM = "application/x-www-form-urlencoded"
HTML = "text/html"
TAGS = ["oauth"]
CLIENT_AUTH = "oauthClientBasic"
# Either HTTP Basic (client_secret_basic) or the credentials in the form (client_secret_post, or only
# `client_id` for a public client): an empty requirement says the header is not the only way.
CLIENT_SECURITY = [{CLIENT_AUTH: []}, {}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _query(name: str, description: str, *, required: bool = True, **schema: Any) -> dict[str, Any]:
    return {
        "name": name, "in": "query", "required": required, "description": description,
        "schema": schema or {"type": "string"},
    }


def _page(description: str) -> dict[str, Any]:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _form(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {FORM: {"schema": schema}}}


SCOPE_TEXT = "Space-separated data scopes, within those the bank registered for the client: " + ", ".join(
    f"`{code}`" for code in DATA_SCOPES
) + ". Read-only; none asked is refused."
CLIENT_ID = _text("The `client_id` given at registration (`POST /api/v1/third-parties/`).")
CLIENT_SECRET = _text("A confidential client's secret, when it does not use HTTP Basic.")


def _schemas() -> dict[str, Any]:
    oauth = settings.OAUTH2_PROVIDER
    return {
        "OAuthAuthorizationCodeRequest": {
            "type": "object",
            "description": "Exchange an authorisation code, once, within "
            f"{oauth.get('AUTHORIZATION_CODE_EXPIRE_SECONDS', 60)} seconds of its issue.",
            "required": ["grant_type", "code", "redirect_uri", "code_verifier", "client_id"],
            "properties": {
                "grant_type": {"type": "string", "enum": ["authorization_code"]},
                "code": _text("The `code` the customer's browser brought back to the redirect URI."),
                "redirect_uri": _text("The same redirect URI as in the authorisation request."),
                "code_verifier": _text(
                    "PKCE (RFC 7636): the verifier whose S256 challenge the authorisation request sent.",
                    minLength=43, maxLength=128,
                ),
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        },
        "OAuthRefreshRequest": {
            "type": "object",
            "description": "Refresh tokens rotate: each works once (a reused one fails and revokes its "
            "family), and only while the customer's authorisation is active and unexpired.",
            "required": ["grant_type", "refresh_token", "client_id"],
            "properties": {
                "grant_type": {"type": "string", "enum": ["refresh_token"]},
                "refresh_token": _text("The refresh token of the last answer."),
                "scope": _text("Optional: fewer scopes than granted."),
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        },
        "OAuthToken": {
            "type": "object",
            "required": ["access_token", "token_type", "expires_in", "scope", "refresh_token"],
            "properties": {
                "access_token": _text("For the bank's Open API, via its gateway: `Authorization: Bearer`."),
                "token_type": {"type": "string", "enum": ["Bearer"]},
                "expires_in": {
                    "type": "integer",
                    "description": f"Seconds ({oauth.get('ACCESS_TOKEN_EXPIRE_SECONDS', 900)} here).",
                },
                "scope": _text("The scopes granted, space-separated."),
                "refresh_token": _text("For `grant_type=refresh_token`."),
            },
        },
        "OAuthError": {
            "type": "object",
            "description": "RFC 6749 5.2 error answer.",
            "required": ["error"],
            "properties": {
                "error": _text(
                    "invalid_request, invalid_client, invalid_grant, unauthorized_client, "
                    "unsupported_grant_type, invalid_scope, unsupported_token_type."
                ),
                "error_description": {"type": "string"},
            },
        },
        "OAuthRevocationRequest": {
            "type": "object",
            "required": ["token"],
            "properties": {
                "token": _text("An access or refresh token issued to this client."),
                "token_type_hint": {"type": "string", "enum": ["access_token", "refresh_token"]},
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        },
        "OAuthConsentDecision": {
            "type": "object",
            "description": "The consent screen's own form, sent by the customer's browser with its "
            "session and CSRF token; the hidden fields repeat the authorisation request.",
            "required": ["client_id", "redirect_uri", "response_type", "scope", "code_challenge",
                         "code_challenge_method", "requested_days", "requested_days_seal",
                         "csrfmiddlewaretoken"],
            "properties": {
                "allow": {"type": "boolean", "description": "Present (on) to approve; absent to decline."},
                "client_id": {"type": "string"},
                "redirect_uri": {"type": "string"},
                "response_type": {"type": "string", "enum": ["code"]},
                "scope": {"type": "string"},
                "state": {"type": "string"},
                "code_challenge": {"type": "string"},
                "code_challenge_method": {"type": "string", "enum": ["S256"]},
                "requested_days": {"type": "integer", "minimum": 1, "maximum": MAX_DURATION_DAYS},
                "requested_days_seal": {
                    "type": "string",
                    "description": "The screen's seal of `requested_days`: an approval whose "
                    "`requested_days` is not the one shown is refused (400), nothing granted.",
                },
                "duration_days": {
                    "type": "integer", "minimum": 1, "maximum": MAX_DURATION_DAYS,
                    "description": "The customer may shorten the duration asked, not lengthen it.",
                },
                "cross_border": {
                    "type": "boolean",
                    "description": "Required for a third party abroad: the customer understood the transfer.",
                },
                "csrfmiddlewaretoken": {"type": "string"},
            },
        },
    }


AUTHORIZE_PARAMETERS = [
    _query("response_type", "Authorisation code only.", type="string", enum=["code"]),
    _query("client_id", "The `client_id` given at registration."),
    _query("redirect_uri", "One of the registered redirect URIs, matched exactly (https only)."),
    _query("scope", SCOPE_TEXT),
    _query("state", "Opaque value returned unchanged with the code: check it.", required=False),
    _query("code_challenge", "PKCE (RFC 7636): BASE64URL(SHA256(code_verifier)) without padding."),
    _query("code_challenge_method", "Only S256; `plain` is refused.", type="string", enum=["S256"]),
    _query(
        "duration_days", "The duration asked for, capped at the registration's; the customer may shorten it.",
        required=False, type="integer", minimum=1, maximum=MAX_DURATION_DAYS,
    ),
]

REDIRECT_BACK = (
    "to the redirect URI with `code`, `state` and `iss` (RFC 9207), or `error` (`access_denied` when "
    "the customer declined)"
)


def _paths() -> dict[str, Any]:
    return {
        "/oauth/authorize/": {
            "get": {
                "operationId": "oauth_authorize",
                "tags": TAGS,
                "summary": "Authorisation request (code with PKCE S256): the customer's consent screen",
                "description": "Send the customer's browser here. Signed in to the bank's self-service, the "
                "customer reads who asks for which data, for what and for how long, and approves or "
                "declines; each approval is a new authorisation the customer can revoke on /me/. A page "
                "for a browser, not an API call.",
                "parameters": AUTHORIZE_PARAMETERS,
                "security": [{"cookieAuth": []}],
                "responses": {
                    "200": _page("The consent screen, in the customer's language."),
                    "302": {"description": "Not signed in: to the sign-in page, then back here. An "
                            "invalid request from a known client and redirect URI: " + REDIRECT_BACK + "."},
                    "400": _page("Unknown client or unregistered redirect URI (shown here, never "
                                 "redirected), or scopes beyond the registration (`invalid_scope`)."),
                    "403": _page("Signed in, but not as a customer."),
                },
            },
            "post": {
                "operationId": "oauth_authorize_decide",
                "tags": TAGS,
                "summary": "The customer's decision on the consent screen",
                "description": "Sent by the consent screen itself, never by the third party.",
                "requestBody": _form(_ref("OAuthConsentDecision")),
                "security": [{"cookieAuth": []}],
                "responses": {
                    "200": _page("The consent screen again, with what to correct."),
                    "302": {"description": "Decided: " + REDIRECT_BACK + ". Not signed in: to the "
                            "sign-in page."},
                    "400": _page("Unknown client or unregistered redirect URI."),
                    "403": _page("No valid CSRF token, or signed in but not as a customer."),
                },
            },
        },
        "/oauth/token/": {
            "post": {
                "operationId": "oauth_token",
                "tags": TAGS,
                "summary": "Token request: exchange a code (with the PKCE verifier) or a refresh token",
                "description": "RFC 6749 4.1.3 and 6, form-encoded. A confidential client authenticates "
                "with HTTP Basic (`client_id:client_secret`) or `client_secret` in the form. Refused once "
                "the customer's authorisation is paused, revoked or expired. No implicit, password or "
                "client-credentials grant.",
                "requestBody": _form(
                    {"oneOf": [_ref("OAuthAuthorizationCodeRequest"), _ref("OAuthRefreshRequest")]}
                ),
                "security": CLIENT_SECURITY,
                "responses": {
                    "200": _json("Tokens (`Cache-Control: no-store`).", "OAuthToken"),
                    "400": _json("Invalid request, code, verifier, refresh token or scope.", "OAuthError"),
                    "401": _json("Client authentication failed (`invalid_client`).", "OAuthError"),
                },
            },
        },
        "/oauth/revoke_token/": {
            "post": {
                "operationId": "oauth_revoke_token",
                "tags": TAGS,
                "summary": "Token revocation (RFC 7009)",
                "description": "RFC 7009, form-encoded, with the client's authentication as for the token "
                "request. An unknown or already revoked token also answers 200, as RFC 7009 says.",
                "requestBody": _form(_ref("OAuthRevocationRequest")),
                "security": CLIENT_SECURITY,
                "responses": {
                    "200": {"description": "Revoked, or nothing to revoke (empty body)."},
                    "400": _json("Invalid request, or `unsupported_token_type`.", "OAuthError"),
                    "401": _json("Client authentication failed (`invalid_client`).", "OAuthError"),
                },
            },
        },
    }


def oauth_endpoints(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the toolkit's endpoints, listed before introspection."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(_schemas())
    components.setdefault("securitySchemes", {})[CLIENT_AUTH] = {
        "type": "http",
        "scheme": "basic",
        "description": "A third party's `client_id:client_secret` (client_secret_basic).",
    }
    components["securitySchemes"].setdefault(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
    )
    paths: dict[str, Any] = {}
    for path, item in result.get("paths", {}).items():
        if path == "/oauth/introspect/":
            paths.update(_paths())
        paths[path] = item
    for path, item in _paths().items():
        paths.setdefault(path, item)
    result["paths"] = paths
    return result
