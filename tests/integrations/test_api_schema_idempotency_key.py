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
