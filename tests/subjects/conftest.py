"""Subjects test fixtures: switching the configured keys as a restart with a new .env would."""

from __future__ import annotations

import pytest
from encrypted_model_fields import fields as encrypted_fields


@pytest.fixture
def use_keys(settings, monkeypatch, tmp_path):
    """`use_keys(field_keys, blind=..., previous=...)` sets the keys given (the library caches its
    crypter, so it is rebuilt); files the key commands write go under the test's own VAR_DIR."""
    settings.VAR_DIR = tmp_path

    def switch(field_keys: list[str] | None = None, *, blind: str | None = None, previous: str | None = None):
        if field_keys is not None:
            settings.FIELD_ENCRYPTION_KEY = field_keys
            monkeypatch.setattr(encrypted_fields, "CRYPTER", encrypted_fields.get_crypter())
        if blind is not None:
            settings.BLIND_INDEX_KEY = blind
        if previous is not None:
            settings.BLIND_INDEX_KEY_PREVIOUS = previous

    return switch
