"""A stop notice whose endpoint is paused waits, parked, and goes when the endpoint is switched on again;
meanwhile the duties page says the recipient is to be contacted by hand, not that a webhook told it.
The notice was cancelled for good while the row still read "webhook"."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import Actor
from integrations import delivery
from integrations.models import OutboxMessage
from integrations.webhooks import EndpointChange, webhook_endpoint_update
from tests.consents.factories import withdrawn_with_a_hooked_partner
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
DPO = Actor.system("tests-dpo")


@pytest.fixture
def paused_partner():
    duty = withdrawn_with_a_hooked_partner("Paused Partner", "share-p")
    partner = duty.recipient
    webhook_endpoint_update(actor=DPO, endpoint=partner.endpoint, change=EndpointChange(active=False))
    delivery.outbox_deliver(duty.notice_message_id)
    return partner, duty


def _row(staff, name: str) -> str:
    with translation.override("en"):
        page = signed_in(staff).get(reverse("consents:duty_list")).content.decode()
    # The table's rows, after the filters (whose recipient choice names every recipient too).
    page = html.unescape(page).split('data-testid="duty-table"', 1)[1]
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
    assert "Notice waiting to be delivered" in row and "contact the recipient by hand" not in row
