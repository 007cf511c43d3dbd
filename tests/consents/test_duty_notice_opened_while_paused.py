"""A recipient's endpoint switched off for a while (the receiver's maintenance, a suspension) holds the
notices queued before it, and sends them when it is switched on again. A duty opened during the pause
must wait the same way: it used to open with no notice at all ("switched off"), so every customer who
withdrew that day had to be reached by hand although the endpoint came back the next morning. An
endpoint that does not take the notice's topic is still left out."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import WithdrawalDuty
from core.actors import Actor
from integrations import delivery
from integrations.models import OutboxMessage
from integrations.webhooks import EndpointChange, webhook_endpoint_update
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_token

pytestmark = pytest.mark.django_db
DPO = Actor.system("tests-dpo")


def _partner(name):
    client = UserFactory(role="integration_client")
    make_token(client, scopes=["consents:read"])
    return make_recipient(name, client=client, url=f"https://{name.lower()}.example/hooks")


def test_a_stop_opened_while_the_endpoint_is_off_waits_for_it_and_goes_when_it_is_on(monkeypatch):
    sent = []
    monkeypatch.setattr(delivery, "_send", lambda url, body, headers: sent.append(url) or 200)
    partner = _partner("Paused")
    webhook_endpoint_update(actor=DPO, endpoint=partner.endpoint, change=EndpointChange(active=False))
    consent = grant(purpose=make_purpose("sharing", category="sharing", recipients=[partner]))

    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.get(recipient=partner)
    assert duty.notice_withheld == "" and duty.notice_message_id is not None
    delivery.outbox_deliver(duty.notice_message_id)
    assert OutboxMessage.objects.get(pk=duty.notice_message_id).status == OutboxMessage.Status.PARKED
    assert sent == []

    webhook_endpoint_update(actor=DPO, endpoint=partner.endpoint, change=EndpointChange(active=True))
    delivery.outbox_deliver(duty.notice_message_id)

    assert sent == ["https://paused.example/hooks"]
    duty.refresh_from_db()
    assert duty.told_at is not None


def test_an_endpoint_not_taking_the_topic_is_still_left_out():
    partner = _partner("Picky")
    webhook_endpoint_update(
        actor=DPO, endpoint=partner.endpoint, change=EndpointChange(events=["consent.data_rectified"])
    )
    consent = grant(purpose=make_purpose("sharing", category="sharing", recipients=[partner]))

    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    duty = WithdrawalDuty.objects.get(recipient=partner)
    assert duty.notice_withheld == WithdrawalDuty.NoticeWithheld.ENDPOINT_OFF
    assert duty.notice_message_id is None
