"""The read claim's 409 in the API schema names every code the claim answers with (`READ_REFUSALS`)."""

from __future__ import annotations

import pytest

from authorisations.services.accesses import READ_REFUSALS

pytestmark = pytest.mark.django_db


def test_the_read_claims_409_names_every_refusal_code(api):
    schema = api.get("/api/schema/?format=json").json()
    claim = next(
        operation for path in schema["paths"].values() for operation in path.values()
        if isinstance(operation, dict) and operation.get("operationId") == "authorisation_read_claim"
    )

    described = claim["responses"]["409"]["description"]

    assert [code for code in READ_REFUSALS if f"`{code}`" not in described] == []
