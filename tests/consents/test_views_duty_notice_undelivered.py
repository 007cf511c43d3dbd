"""A stop notice whose endpoint is paused waits, parked, and goes when the endpoint is switched on again;
meanwhile the duties page says the recipient is to be contacted by hand, not that a webhook told it.
The notice was cancelled for good while the row still read "webhook"."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from consents import services
from consents.models import WithdrawalDuty
from core.actors import Actor
from integrations import delivery
from integrations.models import OutboxMessage
from integrations.webhooks import EndpointChange, webhook_endpoint_update
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db
DPO = Actor.system("tests-dpo")


@pytest.fixture
def paused_partner():
    partner = make_recipient("Paused Partner", client=UserFactory(role="integration_client"),
                             url="https://partner.example/hooks")
    consent = grant(purpose=make_purpose("share-p", category="sharing", recipients=[partner]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    webhook_endpoint_update(actor=DPO, endpoint=partner.endpoint, change=EndpointChange(active=False))
    duty = WithdrawalDuty.objects.get(consent=consent)
    delivery.outbox_deliver(duty.notice_message_id)
    return partner, duty


def _row(staff, name: str) -> str:
    with translation.override("en"):
        page = signed_in(staff).get(reverse("consents:duty_list")).content.decode()
    page = html.unescape(page)
    return page[page.index(name):].split("</tr>")[0]


def test_the_stop_notice_to_a_paused_endpoint_goes_once_it_is_switched_on(paused_partner, monkeypatch):
    partner, duty = paused_partner
    monkeypatch.setattr(delivery, "_send", lambda url, body, headers: 200)

    webhook_endpoint_update(actor=DPO, endpoint=partner.endpoint, change=EndpointChange(active=True))

    message = delivery.outbox_deliver(duty.notice_message_id)
    assert message.status == OutboxMessage.Status.SENT


def test_the_duty_row_says_to_contact_by_hand_while_the_notice_waits(privacy_officer, paused_partner):
    partner, _duty = paused_partner
    row = _row(privacy_officer, "Paused Partner")
    assert "Notice not delivered: contact the recipient by hand" in row
    assert "webhook" not in row

    webhook_endpoint_update(actor=DPO, endpoint=partner.endpoint, change=EndpointChange(active=True))
    row = _row(privacy_officer, "Paused Partner")
    assert "webhook" in row and "contact the recipient by hand" not in row
