"""After staff withdraw a consent the message says who was really told: no recipient, a stop notice sent
by webhook, or recipients staff must contact by hand. It said "The recipients have been told to stop."
when nobody was told."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from consents.models import WithdrawalDuty
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db


def _withdraw(staff, consent) -> str:
    with translation.override("en"):
        url = reverse("consents:staff_withdraw", args=[consent.pk])
    body = {"asked_by": "customer", "channel": "branch", "evidence": "F-12", "reason": ""}
    page = signed_in(staff).post(url, body, follow=True).content.decode()
    return html.unescape(page)


def test_no_recipient_means_nobody_is_said_to_be_told(officer):
    consent = grant(purpose=make_purpose("mkt", category="marketing"))
    page = _withdraw(officer, consent)
    assert "Consent withdrawn." in page
    assert "told to stop" not in page and "notice" not in page.split("Consent withdrawn.")[1][:200]


def test_a_recipient_without_an_endpoint_is_to_be_contacted_by_hand(officer):
    consent = grant(purpose=make_purpose("share-l", category="sharing",
                                         recipients=[make_recipient("Letter-only Partner")]))
    page = _withdraw(officer, consent)
    assert WithdrawalDuty.objects.get(consent=consent).notice_message_id is None
    assert "The recipients have been told to stop." not in page
    assert "Contact Letter-only Partner by hand" in page and "Recipient notices" in page


def test_a_recipient_with_an_endpoint_is_sent_a_stop_notice(officer):
    partner = make_recipient("Hooked Partner", client=UserFactory(role="integration_client"),
                             url="https://partner.example/hooks")
    consent = grant(purpose=make_purpose("share-h", category="sharing", recipients=[partner]))
    page = _withdraw(officer, consent)
    assert "A stop notice was sent to Hooked Partner." in page
    assert "by hand" not in page
