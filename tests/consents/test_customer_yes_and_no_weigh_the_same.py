""""No" is as easy and as prominent as "yes" (Law 91/2025, Decree 356/2025: consent freely given, by a
clear act; the bank's policy: no dark patterns). On the customer's confirmation of a consent the two
answers are buttons of the same look, and the refusal says no ("No, I do not agree"), not "Not now",
which promised to ask again. Withdrawing is as easy as giving: its confirmation is not painted as a
danger beside a soft "keep" link, both answers look the same there too."""

from __future__ import annotations

import re

import pytest

from tests.consents.factories import grant
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _classes(page: str, testid: str) -> str:
    tag = re.search(rf'<(?:a|button)\b[^>]*data-testid="{testid}"[^>]*>', page)
    assert tag, testid
    return re.search(r'class="([^"]*)"', tag.group(0)).group(1)


def _label(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', page).group(1).strip()


def test_the_consent_confirmation_offers_yes_and_no_alike(customer_a, catalogue):
    page = signed_in(customer_a).get("/en/me/consents/marketing/confirm/").content.decode()

    assert _classes(page, "confirm-consent") == _classes(page, "cancel-consent")
    assert _label(page, "cancel-consent") == "No, I do not agree"
    assert "Not now" not in page


def test_the_withdrawal_confirmation_offers_its_two_answers_alike(customer_a, catalogue):
    grant(customer_a.customer_account.subject, catalogue["marketing"], channel="mobile_app")
    page = signed_in(customer_a).get("/en/me/consents/marketing/withdraw/").content.decode()

    assert _classes(page, "confirm-withdraw") == _classes(page, "keep-consent")
    assert "btn--danger" not in _classes(page, "confirm-withdraw")
