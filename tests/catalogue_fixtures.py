"""Fixtures the consents and regulator tests share: their conftests bring them in."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents import catalogue


@pytest.fixture(autouse=True)
def fresh_catalogue():
    """A fresh purpose-catalogue cache per test: tests roll the database back, caches do not."""
    catalogue.catalogue_invalidate()
    yield
    catalogue.catalogue_invalidate()


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English (the msgids); the site's default language is Vietnamese."""
    with translation.override("en"):
        yield

