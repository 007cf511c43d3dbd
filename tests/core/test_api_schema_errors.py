"""The schema names the refusals every endpoint gives, in the contract's shape, so a client generated
from it (the mobile app's backend) can read them: `{"detail", "code"}` or field errors, 429 and 503
with `Retry-After`. It listed only the success of most operations (201 for a grant that also answers
400, 409 and 429)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ERROR = "#/components/schemas/Error"


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def _schema_ref(response: dict) -> str | dict:
    return response["content"]["application/json"]["schema"]


def test_every_api_operation_names_its_refusals(schema):
    missing = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            needed = {"400", "401", "403", "429", "503"}
            if "{" in path:
                needed.add("404")
            if method in {"post", "patch", "put", "delete"}:
                needed.add("409")
            if gaps := needed - set(operation["responses"]):
                missing.append((method, path, sorted(gaps)))
    assert missing == []


def test_a_grant_documents_its_refusals_in_the_contract_shape(schema):
    responses = schema["paths"]["/api/v1/consents/"]["post"]["responses"]
    assert _schema_ref(responses["409"]) == {"$ref": ERROR}
    assert {"$ref": "#/components/schemas/FieldErrors"} in _schema_ref(responses["400"])["oneOf"]
    for waited in ("429", "503"):
        assert "Retry-After" in responses[waited]["headers"]
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "code"}


def test_a_refusal_an_operation_describes_itself_is_kept(schema):
    described = schema["paths"]["/api/v1/consents/{id}/void/"]["post"]["responses"]["409"]
    assert "not_voidable" in described["description"]


def test_a_real_refusal_has_the_shape_the_schema_names(schema, as_user, client_user):
    error = schema["components"]["schemas"]["Error"]
    api = as_user(client_user, ["consents:read"])
    answer = api.get("/api/v1/consents/00000000-0000-0000-0000-000000000000/").json()
    assert set(answer) <= set(error["properties"]) and set(error["required"]) <= set(answer)
