"""Real answers of the API validate against the published schema (/api/schema/), which integrators'
generated clients are built from: the notices of a purpose are answered as a bare list (the schema said
a paginated object), and a processing dossier's `recipient` is null (the schema said a string)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from django.utils import timezone

from regulator import services
from tests.consents.factories import make_purpose
from tests.regulator.factories import DPO, MONDAY, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's schema objects as JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _assert_answer_matches_schema(client, path: str, template: str) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    answer = client.get(path)
    assert answer.status_code == 200, answer.content
    documented = schema["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    root = {**_json_schema(documented), "components": _json_schema(schema["components"])}
    jsonschema.validate(answer.json(), root)


def test_the_notices_of_a_purpose_match_the_schema(dpo, as_user):
    make_purpose("marketing", category="marketing")
    _assert_answer_matches_schema(
        as_user(dpo), "/api/v1/purposes/marketing/notices/", "/api/v1/purposes/{code}/notices/"
    )


def test_the_dossiers_match_the_schema_recipient_null_included(dpo, as_user):
    make_inventory()
    make_catalogue(now=timezone.now())
    services.dossiers_sync(actor=DPO, now=MONDAY)
    client = as_user(dpo)
    assert any(row["recipient"] is None for row in client.get("/api/v1/dossiers/").json()["results"])
    _assert_answer_matches_schema(client, "/api/v1/dossiers/", "/api/v1/dossiers/")
