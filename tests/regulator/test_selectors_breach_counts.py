"""The dashboard's breach cards count through one selector."""
from __future__ import annotations

from datetime import timedelta

import pytest

from regulator.selectors import breaches_open_counts
from tests.regulator.factories import make_breach, make_inventory

pytestmark = pytest.mark.django_db


def test_breach_counts_are_the_open_ones_and_those_past_their_notification_deadline():
    make_inventory()
    breach = make_breach()
    assert breaches_open_counts(now=breach.notify_due_at - timedelta(minutes=1)) == (1, 0)
    assert breaches_open_counts(now=breach.notify_due_at + timedelta(minutes=1)) == (1, 1)
