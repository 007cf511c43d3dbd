"""Consents test fixtures: a fresh purpose-catalogue cache per test, English messages, a catalogue."""

from __future__ import annotations

import pytest

from tests.catalogue_fixtures import english_messages, fresh_catalogue  # noqa: F401 (autouse fixtures)
from tests.consents.factories import make_purpose, make_recipient


@pytest.fixture
def catalogue():
    """Purposes a customer switches: plain marketing, a sensitive one, one shared with a partner."""
    partner = make_recipient("Bảo hiểm Đối tác")
    return {
        "marketing": make_purpose("marketing", category="marketing"),
        "biometric": make_purpose(
            "biometric", category="security", sensitive=True, data_categories=["biometric"]
        ),
        "sharing": make_purpose("sharing", category="sharing", recipients=[partner]),
    }
