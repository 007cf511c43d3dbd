"""Regulator test fixtures: a fresh purpose-catalogue cache and English messages."""

from __future__ import annotations

from tests.catalogue_fixtures import english_messages, fresh_catalogue  # noqa: F401 (autouse fixtures)
