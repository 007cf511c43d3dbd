"""Regulator test fixtures: a fresh purpose-catalogue cache and English messages."""

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
    from django.utils import translation

    with translation.override("en"):
        yield
