"""The customer's receipt offers withdrawal only while the consent is live; once it ended it says how."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
OFFER = "You may withdraw this consent at any time"


def _receipt(customer, consent) -> str:
    with translation.override("en"):
        url = reverse("consents:me_receipt", args=[consent.pk])
    return html.unescape(signed_in(customer).get(url).content.decode())


@pytest.fixture
def consent(customer_a):
    return grant(customer_a.customer_account.subject, make_purpose("share-r", category="marketing"),
                 channel="mobile_app", expires_at=timezone.now() + timedelta(days=30))


def test_a_live_consent_s_receipt_offers_withdrawal(customer_a, consent):
    assert OFFER in _receipt(customer_a, consent)


def test_a_withdrawn_consent_s_receipt_says_it_was_withdrawn(customer_a, consent):
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    page = _receipt(customer_a, consent)
    assert OFFER not in page
    assert "This consent has been withdrawn" in page


def test_an_expired_consent_s_receipt_says_it_expired(customer_a, consent):
    services.consents_expire_due(now=consent.expires_at + timedelta(minutes=1))
    page = _receipt(customer_a, consent)
    assert OFFER not in page
    assert "This consent has expired" in page
