"""POST /api/v1/third-parties/{id}/rotate-secret/: the DPO gives a third party's client a new secret,
answered once (200, `no-store`); other roles are refused as on the registry's other endpoints."""

from __future__ import annotations

import jsonschema
import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from oauth2_provider.models import get_application_model

from audit.models import AuditEntry
from tests.authorisations.factories import credentials, register

pytestmark = pytest.mark.django_db
ROTATED = "authorisations.third_party.secret_rotated"


def _url(registration) -> str:
    return f"/api/v1/third-parties/{registration.third_party.pk}/rotate-secret/"


def _stored_secret(registration) -> str:
    return get_application_model().objects.get(pk=registration.third_party.application_id).client_secret


def test_the_dpo_gets_the_new_secret_once(api, dpo, registration):
    api.force_login(dpo)

    response = api.post(_url(registration), {}, format="json")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["id"] == str(registration.third_party.pk)
    assert body["client_id"] == registration.third_party.application.client_id
    assert check_password(body["client_secret"], _stored_secret(registration))
    assert AuditEntry.objects.get(action=ROTATED).data["tokens_revoked"] is False


def test_the_issued_tokens_end_too_when_asked(api, dpo, authorised, registration, gateway):
    _authorisation, tokens = authorised
    api.force_login(dpo)

    assert api.post(_url(registration), {"revoke_tokens": True}, format="json").status_code == 200

    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json() == {"active": False}


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor", "customer_a"])
def test_other_roles_are_refused_and_nothing_changes(api, role, request, registration):
    api.force_login(request.getfixturevalue(role))
    assert api.post(_url(registration), {}, format="json").status_code == 403
    assert check_password(credentials(registration)[1], _stored_secret(registration))
    assert not AuditEntry.objects.filter(action=ROTATED).exists()


def test_an_integration_token_needs_the_admin_scope(as_user, dpo, registration):
    assert as_user(dpo, scopes=["authorisations:read"]).post(_url(registration)).status_code == 403
    assert as_user(dpo, scopes=["authorisations:admin"]).post(_url(registration)).status_code == 200


def test_anonymous_unknown_public_and_bad_input(api, dpo, registration):
    assert api.post(_url(registration), {}, format="json").status_code == 401
    api.force_login(dpo)
    unknown = api.post("/api/v1/third-parties/00000000-0000-0000-0000-000000000000/rotate-secret/", {},
                       format="json")
    assert unknown.status_code == 404
    public = api.post(_url(register(confidential=False)), {}, format="json")
    assert public.status_code == 409 and public.json()["code"] == "public_client"
    bad = api.post(_url(registration), {"revoke_tokens": "sometimes"}, format="json")
    assert bad.status_code == 400 and "revoke_tokens" in bad.json()
    assert check_password(credentials(registration)[1], _stored_secret(registration))


def test_the_schema_describes_it_and_the_answer_matches(api, dpo, registration):
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/third-parties/{id}/rotate-secret/"]["post"]
    assert operation["operationId"] == "third_party_rotate_secret"
    assert {"200", "404", "409"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    request_schema = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert "revoke_tokens" in request_schema["properties"]
    media = operation["responses"]["200"]["content"]["application/json"]
    api.force_login(dpo)
    answer = api.post(_url(registration), {}, format="json").json()
    jsonschema.validate(answer, {**media["schema"], "components": schema["components"]})
    answered = schema["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[1]]
    assert "client_secret" in answered["required"] and "webhook_secret" not in answered["properties"]
