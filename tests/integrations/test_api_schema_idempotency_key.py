"""The schema's `Idempotency-Key` header says what a replay needs: the same key and body, and the same
access to the customer's personal data as the first request, else 409 `idempotency_mismatch`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_idempotency_key_header_says_a_replay_needs_the_same_access(api):
    schema = api.get("/api/schema/?format=json").json()
    headers = [
        parameter
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    ]

    assert headers
    for header in headers:
        assert "same access" in header["description"]
        assert "`idempotency_mismatch`" in header["description"]


def _operations_with_the_header(schema) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
        and any(
            p["in"] == "header" and p["name"] == "Idempotency-Key" for p in operation.get("parameters", [])
        )
    }


def test_every_write_that_honours_the_header_lists_it(api):
    # The contract: POSTs to consents, requests and withdrawals honour it, as every write decorated
    # `@idempotent` does (a subclass's own schema included); a client generated from the schema must
    # know it.
    listed = _operations_with_the_header(api.get("/api/schema/?format=json").json())

    assert {
        ("POST", "/api/v1/consents/"),
        ("POST", "/api/v1/consents/{id}/withdraw/"),
        ("POST", "/api/v1/consents/withdraw/"),
        ("POST", "/api/v1/consents/{id}/void/"),
        ("POST", "/api/v1/requests/"),
        ("POST", "/api/v1/subjects/"),
        ("POST", "/api/v1/authorisations/{id}/reads/"),
        ("POST", "/api/v1/requests/{id}/reply/"),
        ("POST", "/api/v1/requests/{id}/acknowledge/"),
    } <= listed
