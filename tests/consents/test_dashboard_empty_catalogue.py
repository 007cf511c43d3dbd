"""A bank's own database starts with no purpose: customers have nothing to consent to and integration
clients' consent checks find no purpose. The DPO's dashboard says so, with the page that adds one."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db


def _catalogue_cards(client, user) -> list[dict]:
    client.force_login(user)
    cards = client.get(reverse("portal:dashboard")).context["cards"]
    return [card for card in cards if card["url"] == reverse("consents:purpose_new")]


def test_the_dpo_is_told_the_catalogue_is_empty_until_a_purpose_is_offered(client, dpo):
    (card,) = _catalogue_cards(client, dpo)
    assert card["tone"] == "danger"
    make_purpose()
    assert _catalogue_cards(client, dpo) == []


def test_an_officer_is_not_shown_it(client, officer):
    assert _catalogue_cards(client, officer) == []
