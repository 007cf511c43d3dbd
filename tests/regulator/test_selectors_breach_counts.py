"""The dashboard's breach cards count through one selector, by the rule the register and the breach
page use (`Breach.deadline_passed`): past the law's 72 hours, or past only the bank's own deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory

from regulator.models import Breach
from regulator.navigation import _portal_cards
from regulator.selectors import breaches_open_counts
from tests.regulator.factories import make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _breach_with_stricter_commitment():
    """The bank committed to a day less than the law gives."""
    make_inventory()
    breach = make_breach()
    Breach.objects.filter(pk=breach.pk).update(statutory_due_at=breach.notify_due_at + timedelta(days=1))
    return Breach.objects.get(pk=breach.pk)


def test_breach_counts_are_the_open_ones_and_those_past_the_laws_or_only_the_banks_deadline():
    breach = _breach_with_stricter_commitment()
    assert breaches_open_counts(now=breach.notify_due_at - timedelta(minutes=1)) == (1, 0, 0)
    only_commitment = breach.notify_due_at + timedelta(minutes=1)
    assert breach.deadline_passed(only_commitment) == "commitment"
    assert breaches_open_counts(now=only_commitment) == (1, 0, 1)
    past_law = breach.statutory_due_at + timedelta(minutes=1)
    assert breach.deadline_passed(past_law) == "statutory"
    assert breaches_open_counts(now=past_law) == (1, 1, 0)


def test_a_breach_recorded_without_the_laws_deadline_is_judged_by_its_binding_one():
    make_inventory()
    breach = make_breach()
    Breach.objects.filter(pk=breach.pk).update(statutory_due_at=None)
    assert breaches_open_counts(now=breach.notify_due_at + timedelta(minutes=1)) == (1, 1, 0)


def test_the_dashboard_says_which_deadline_passed(dpo, monkeypatch):
    breach = _breach_with_stricter_commitment()
    request = RequestFactory().get("/portal/")
    request.user = dpo
    only_commitment = breach.notify_due_at + timedelta(minutes=1)
    monkeypatch.setattr("regulator.navigation.timezone.now", lambda: only_commitment)

    cards = {str(card["label"]): card for card in _portal_cards(request)}

    assert cards["Breaches awaiting notification"]["tone"] == "warn"  # not late to the authority yet
    assert cards["Breaches past the bank's own deadline"]["value"] == 1
    assert "Breaches past the law's 72 hours" not in cards
