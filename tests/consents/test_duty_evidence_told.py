"""The evidence that each recipient stopped within its 72 hours says when the recipient was told (its
notice delivered at a time, or never: reached by hand, or learnt through the API) and how it confirmed
(its own API client, or staff with their note). The proof bundle kept only when a duty was confirmed and
by whom, so a parked notice closed by staff read like a partner confirming through its own API; and a
recipient's confirmation left its undelivered notice in the outbox, retried after it had "confirmed"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from consents import services
from consents.models import WithdrawalDuty
from consents.receipts import recipient_stops
from core.actors import Actor, actor_for_user
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from regulator.proof_bundle import proof_bundle
from tests.consents.factories import (
    STAFF,
    grant,
    make_purpose,
    make_recipient,
    withdrawn_with_a_hooked_partner,
)
from tests.factories import UserFactory, make_subject, signed_in

pytestmark = pytest.mark.django_db
DPO = Actor(kind="staff", user_id=None, label="dpo_t")


@pytest.fixture
def delivered(monkeypatch):
    """Receivers answer 200: a notice the outbox delivers is delivered."""
    monkeypatch.setattr("integrations.delivery._send", lambda url, body, headers: 200)


def _withdrawn(code="partner-sharing", *, hooked_name="Bảo hiểm Đối tác", by_hand_name="CIC"):
    hooked = make_recipient(hooked_name, client=UserFactory(role="integration_client"),
                            url="https://partner.example/hooks")
    by_hand = make_recipient(by_hand_name, kind="credit_bureau")
    subject = make_subject()
    consent = grant(subject, make_purpose(code, category="sharing", recipients=[hooked, by_hand]))
    now = timezone.now()
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", now=now)
    return subject, hooked, by_hand, now


def _bundle_stops(subject, now):
    bundle = proof_bundle(subject, generated_by=DPO, role="dpo", now=now)
    [section] = [p for p in bundle["consents"] if p["events"]]
    [withdrawn] = [e for e in section["events"] if e["type"] == "withdrawn"]
    return {s["recipient"]: s for s in withdrawn["recipient_stops"]}


def _client_acknowledges(duty_id, recipient, now=None):
    return services.duty_acknowledge(actor=actor_for_user(recipient.client), duty_id=duty_id,
                                     client_user_id=recipient.client_id, now=now)


def test_delivering_a_notice_dates_the_duty_told_in_the_delivery_s_transaction_audited(delivered):
    duty = withdrawn_with_a_hooked_partner("Bảo hiểm Đối tác", "partner-sharing")
    at = timezone.now() + timedelta(minutes=10)
    outbox_deliver(duty.notice_message_id, now=at)
    duty.refresh_from_db()
    assert duty.told_at == at
    entry = AuditEntry.objects.get(action="consents.duty.told")
    assert entry.data["notice"] == str(duty.notice_message_id)


def test_bundle_says_when_the_recipient_was_told_and_that_its_own_client_confirmed(delivered):
    subject, hooked, by_hand, now = _withdrawn()
    duty = WithdrawalDuty.objects.get(recipient=hooked)
    outbox_deliver(duty.notice_message_id, now=now + timedelta(minutes=10))
    _client_acknowledges(duty.pk, hooked, now=now + timedelta(hours=1))
    stop = _bundle_stops(subject, now + timedelta(hours=2))[hooked.name]
    assert stop["told_at"] is not None and stop["notice"] == "delivered" and stop["learnt"] == "notice"
    assert stop["confirmed_through"] == "recipient_api"
    assert stop["confirmation_note"] is None


def test_bundle_shows_a_parked_notice_closed_by_staff_as_reached_by_hand_with_the_note():
    subject, hooked, by_hand, now = _withdrawn()
    duty = WithdrawalDuty.objects.get(recipient=hooked)
    OutboxMessage.objects.filter(pk=duty.notice_message_id).update(status="parked", last_error="HTTP 500")
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Partner e-mail ref 2026/77 received",
                              now=now + timedelta(hours=1))
    stops = _bundle_stops(subject, now + timedelta(hours=2))
    stop = stops[hooked.name]
    assert stop["told_at"] is None and stop["learnt"] == "by_hand"
    assert stop["confirmed_through"] == "staff" and "2026/77" in stop["confirmation_note"]
    assert stops[by_hand.name]["notice"] == "none" and stops[by_hand.name]["learnt"] is None


@pytest.mark.parametrize("state", ["pending", "parked"])
def test_the_recipient_s_own_confirmation_cancels_its_undelivered_notice(state, delivered):
    duty = withdrawn_with_a_hooked_partner("Bảo hiểm Đối tác", "partner-sharing")
    OutboxMessage.objects.filter(pk=duty.notice_message_id).update(status=state)
    acknowledged = _client_acknowledges(duty.pk, duty.recipient)
    assert acknowledged.status == WithdrawalDuty.Status.ACKNOWLEDGED
    assert acknowledged.learnt_how == "api" and acknowledged.confirmed_through == "recipient_api"
    message = OutboxMessage.objects.get(pk=duty.notice_message_id)
    assert message.status == OutboxMessage.Status.CANCELLED
    # Never delivered after the recipient confirmed, whoever retries it.
    assert outbox_deliver(message.pk, now=timezone.now() + timedelta(days=1)) is None
    entry = AuditEntry.objects.get(action="consents.duty.acknowledged")
    assert entry.data["learnt"] == "api" and entry.data["notice_cancelled"] == str(message.pk)


def test_a_notice_delivered_while_the_confirmation_cancelled_it_does_not_date_the_duty_told(monkeypatch):
    duty = withdrawn_with_a_hooked_partner("Bảo hiểm Đối tác", "partner-sharing")

    def send_while_the_recipient_confirms(url, body, headers):
        _client_acknowledges(duty.pk, duty.recipient)
        return 200

    monkeypatch.setattr("integrations.delivery._send", send_while_the_recipient_confirms)
    outbox_deliver(duty.notice_message_id, now=timezone.now())
    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.ACKNOWLEDGED
    assert duty.told_at is None and duty.learnt_how == "api"


def test_staff_confirming_after_the_notice_was_delivered_learnt_by_notice_confirmed_by_staff(delivered):
    duty = withdrawn_with_a_hooked_partner("Bảo hiểm Đối tác", "partner-sharing")
    outbox_deliver(duty.notice_message_id, now=timezone.now())
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="call with partner, ref 12")
    duty.refresh_from_db()
    assert (duty.learnt_how, duty.confirmed_through) == ("notice", "staff")
    assert OutboxMessage.objects.get(pk=duty.notice_message_id).status == OutboxMessage.Status.SENT


def test_the_duty_api_says_the_notice_s_state_when_told_and_how_confirmed(as_user, dpo, delivered):
    subject, hooked, by_hand, now = _withdrawn()
    duty = WithdrawalDuty.objects.get(recipient=hooked)
    outbox_deliver(duty.notice_message_id, now=now + timedelta(minutes=5))
    answer = as_user(hooked.client).post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {},
                                         format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["told_at"] and body["notice_status"] == "sent"
    assert (body["learnt_how"], body["confirmed_through"]) == ("notice", "recipient_api")
    rows = {row["recipient"]["name"]: row for row in as_user(dpo).get("/api/v1/withdrawal-duties/").json()[
        "results"]}
    assert rows[by_hand.name]["notice_status"] is None and rows[by_hand.name]["told_at"] is None
    assert rows[hooked.name]["learnt_how"] == "notice"


def test_the_duty_api_reads_no_query_per_duty(as_user, dpo):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_user(dpo).get("/api/v1/withdrawal-duties/").status_code == 200
        return len(captured.captured_queries)

    _withdrawn("share-one", hooked_name="P1", by_hand_name="B1")
    one = queries()
    _withdrawn("share-two", hooked_name="P2", by_hand_name="B2")
    _withdrawn("share-three", hooked_name="P3", by_hand_name="B3")
    assert queries() == one


def test_the_bundle_reads_no_query_per_duty(delivered):
    def queries(code, names):
        subject, hooked, by_hand, now = _withdrawn(code, hooked_name=names[0], by_hand_name=names[1])
        for duty in WithdrawalDuty.objects.filter(subject=subject):
            services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="e-mail")
        with CaptureQueriesContext(connection) as captured:
            _bundle_stops(subject, now + timedelta(hours=1))
        return len(captured.captured_queries)

    assert queries("share-one", ("P1", "B1")) == queries("share-two", ("P2", "B2"))


def test_the_duties_page_and_the_receipt_say_how_each_recipient_learnt(dpo, delivered):
    subject, hooked, by_hand, now = _withdrawn()
    duty = WithdrawalDuty.objects.get(recipient=hooked)
    OutboxMessage.objects.filter(pk=duty.notice_message_id).update(status="parked")
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Partner e-mail ref 2026/77")
    client = signed_in(dpo)
    with translation.override("en"):
        page = client.get(reverse("consents:duty_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        receipt = client.get(reverse("consents:staff_receipt", args=[duty.consent_id]),
                             HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notice not delivered: reached by hand" in page and "Recorded by staff" in page
    assert "Notice not delivered: reached by hand" in receipt and "2026/77" in receipt
    assert "No endpoint" in receipt
    (stop, *_rest) = [s for s in recipient_stops(duty.consent) if s["recipient"] == hooked.name]
    assert stop["learnt"] == "by_hand" and stop["confirmed_through"] == "staff"
