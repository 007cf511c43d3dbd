"""`/api/schema/` is "the OpenAPI 3 document of the whole API" (contract), and the contract lists the
OAuth 2.0 endpoints: the authorisation request (code with PKCE S256), the form-encoded token request,
RFC 7009 revocation and RFC 7662 introspection. The toolkit's views are not DRF views, so they are
described by hand (`authorisations.api.schema`); the real answers are checked against that text."""

from __future__ import annotations

import jsonschema
import pytest

from tests.authorisations.factories import approve, credentials, exchange, pkce_pair

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _conforms(schema: dict, media: dict, instance) -> None:
    """`instance` is valid against the documented schema of one response (refs resolved in the document)."""
    jsonschema.validate(instance, {**media["schema"], "components": schema["components"]})


def _resolved(schema: dict, node: dict) -> dict:
    return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node


def _parameters(operation: dict) -> dict[str, dict]:
    return {p["name"]: p for p in operation["parameters"]}


def test_every_oauth_endpoint_of_the_contract_is_in_the_schema(schema):
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/oauth/authorize/"])
    assert "post" in paths["/oauth/token/"]
    assert "post" in paths["/oauth/revoke_token/"]
    assert "post" in paths["/oauth/introspect/"]
    ids = [op["operationId"] for path in paths.values() for op in path.values() if isinstance(op, dict)]
    assert len(ids) == len(set(ids))


def test_the_authorisation_request_is_a_code_with_pkce_s256(schema):
    operation = schema["paths"]["/oauth/authorize/"]["get"]
    parameters = _parameters(operation)
    for name in ("response_type", "client_id", "redirect_uri", "scope", "code_challenge",
                 "code_challenge_method"):
        assert parameters[name]["in"] == "query" and parameters[name]["required"] is True, name
    assert parameters["state"]["required"] is False  # recommended to clients, not enforced by the server
    assert parameters["response_type"]["schema"]["enum"] == ["code"]
    assert parameters["code_challenge_method"]["schema"]["enum"] == ["S256"]
    assert parameters["duration_days"]["required"] is False
    assert {"200", "302", "400"} <= set(operation["responses"])
    assert operation["security"] == [{"cookieAuth": []}]


def test_token_and_revocation_requests_are_form_encoded(schema):
    token = schema["paths"]["/oauth/token/"]["post"]
    assert list(token["requestBody"]["content"]) == [FORM]
    options = [_resolved(schema, o) for o in token["requestBody"]["content"][FORM]["schema"]["oneOf"]]
    assert [option["properties"]["grant_type"]["enum"] for option in options] == [
        ["authorization_code"], ["refresh_token"],
    ]
    assert "code_verifier" in options[0]["required"]
    revoke = schema["paths"]["/oauth/revoke_token/"]["post"]
    assert list(revoke["requestBody"]["content"]) == [FORM]
    body = _resolved(schema, revoke["requestBody"]["content"][FORM]["schema"])
    assert body["required"] == ["token"]
    assert body["properties"]["token_type_hint"]["enum"] == ["access_token", "refresh_token"]
    assert "7009" in revoke["description"]


def test_real_answers_match_what_the_schema_says(schema, registration, browser1, client):
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    token = schema["paths"]["/oauth/token/"]["post"]["responses"]

    tokens = exchange(client, client_id, secret, approve(browser1, client_id, challenge), verifier)
    assert tokens.status_code == 200, tokens.content
    _conforms(schema, token["200"]["content"]["application/json"], tokens.json())

    reused = exchange(client, client_id, secret, "not-a-code", verifier)
    assert reused.status_code == 400
    _conforms(schema, token["400"]["content"]["application/json"], reused.json())
    wrong_secret = exchange(client, client_id, "wrong", "not-a-code", verifier)
    assert wrong_secret.status_code == 401
    _conforms(schema, token["401"]["content"]["application/json"], wrong_secret.json())

    revoked = client.post("/oauth/revoke_token/", {
        "token": tokens.json()["refresh_token"], "token_type_hint": "refresh_token",
        "client_id": client_id, "client_secret": secret,
    })
    assert revoked.status_code == 200
    assert "200" in schema["paths"]["/oauth/revoke_token/"]["post"]["responses"]
