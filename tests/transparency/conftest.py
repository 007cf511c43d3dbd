"""Transparency test fixtures."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to /en/… leaves English active in the thread after the test client returns; a customer
    made in the next test would then prefer English. Start each test from the default language."""
    translation.deactivate()
    yield
    translation.deactivate()
