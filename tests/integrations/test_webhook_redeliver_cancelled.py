"""A notice the platform cancelled because it became untrue or moot (a restriction lifted before its
stop notice went, a recipient that confirmed before its notice reached it) is not the DPO's to send
again: "Redeliver" would tell a recipient to stop processing for a customer who lifted the restriction,
or re-open in its systems a duty it already closed. It is refused with 409, the notice left cancelled."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consents import services
from core.actors import Actor
from core.errors import Conflict
from integrations.models import OutboxMessage
from integrations.webhooks import webhook_delivery_redeliver
from tests.consents.factories import STAFF, withdrawn_with_a_hooked_partner

pytestmark = pytest.mark.django_db


def test_a_cancelled_notice_is_not_redelivered():
    duty = withdrawn_with_a_hooked_partner("Partner Insurance", "share-r")
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter of 3 March")
    assert OutboxMessage.objects.get(pk=duty.notice_message_id).status == OutboxMessage.Status.CANCELLED

    with pytest.raises(Conflict) as refused:
        webhook_delivery_redeliver(
            actor=Actor.system("tests-dpo"), endpoint=duty.recipient.endpoint,
            message_id=duty.notice_message_id,
        )

    assert refused.value.code == "notice_cancelled"
    assert OutboxMessage.objects.get(pk=duty.notice_message_id).status == OutboxMessage.Status.CANCELLED


def test_the_delivery_log_offers_no_redeliver_for_a_cancelled_notice(client, dpo):
    duty = withdrawn_with_a_hooked_partner("Partner Cards", "share-c")
    endpoint = duty.recipient.endpoint
    still_sent = OutboxMessage.objects.create(
        endpoint=endpoint, topic="consent.withdrawn", payload={"event": "consent.withdrawn"},
        dedupe_key="still-sent", status=OutboxMessage.Status.SENT, kind=OutboxMessage.Kind.WEBHOOK,
        next_attempt_at=timezone.now(),
    )
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter of 3 March")
    client.force_login(dpo)

    page = client.get(f"/en/portal/webhooks/{endpoint.pk}/").content.decode()

    assert f"/deliveries/{still_sent.pk}/redeliver/" in page
    assert f"/deliveries/{duty.notice_message_id}/redeliver/" not in page
