"""Consents test fixtures: a fresh purpose-catalogue cache per test (tests roll back, caches do not)."""

from __future__ import annotations

import pytest

from consents import catalogue


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    catalogue._clear()
    yield
    catalogue._clear()


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the site's default language is Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield
