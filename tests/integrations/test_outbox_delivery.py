"""Outbox delivery: HMAC-signed webhooks, exponential backoff, parking after the last attempt, the sweep."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from integrations import delivery, outbox, tasks
from integrations.models import OutboxMessage, WebhookEndpoint
from integrations.webhooks import EndpointChange, webhook_endpoint_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DPO = Actor.system("tests-dpo")


@pytest.fixture
def endpoint():
    client = UserFactory(role="integration_client")
    return WebhookEndpoint.objects.create(
        client=client, name="hook", url="https://receiver.example/hook", secret="top-secret"
    )


@pytest.fixture
def sent(monkeypatch):
    """Replace the network: record each POST and answer with the next queued status (or raise)."""
    calls, answers = [], []

    def fake_send(url, body, headers):
        calls.append((url, body, headers))
        answer = answers.pop(0) if answers else 200
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(delivery, "_send", fake_send)
    return calls, answers


def _enqueue(endpoint, now, key="k1"):
    with transaction.atomic():
        return outbox.outbox_enqueue_webhook(
            endpoint=endpoint, topic="consent.withdrawn", payload={"duty": "d1"}, dedupe_key=key, now=now
        )


def test_enqueue_dispatches_on_commit_and_dedupes(endpoint, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _enqueue(endpoint, now)
        second = _enqueue(endpoint, now)
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1


def test_delivery_is_signed_with_hmac_sha256(endpoint, sent):
    calls, _answers = sent
    now = timezone.now()
    message = _enqueue(endpoint, now)
    delivered = delivery.outbox_deliver(message.pk, now=now)
    assert delivered.status == "sent" and delivered.attempts == 1 and delivered.sent_at == now
    url, body, headers = calls[0]
    assert url == "https://receiver.example/hook" and json.loads(body) == {"duty": "d1"}
    timestamp = headers["X-QDL-Timestamp"]
    expected = hmac.new(b"top-secret", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-QDL-Signature"] == f"sha256={expected}"
    # sent: nothing more to do
    assert delivery.outbox_deliver(message.pk, now=now + timedelta(hours=1)) is None


def test_failures_back_off_exponentially_then_park(endpoint, sent):
    _calls, answers = sent
    answers.extend([500, OSError("connection refused")] + [503] * (delivery.MAX_ATTEMPTS - 2))
    now = timezone.now()
    message = _enqueue(endpoint, now)
    waits = []
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        if attempt > 1:
            assert delivery.outbox_deliver(message.pk, now=now - timedelta(seconds=1)) is None  # not yet due
        result = delivery.outbox_deliver(message.pk, now=now)
        assert result is not None and result.attempts == attempt
        if result.status == "pending":
            waits.append(result.next_attempt_at - now)
            now = result.next_attempt_at
    assert result.status == "parked" and result.last_error == "HTTP 503"
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert all(later >= earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert delivery.outbox_deliver(message.pk, now=now + timedelta(days=1)) is None


def test_a_retry_that_succeeds_is_sent_once(endpoint, sent):
    calls, answers = sent
    answers.extend([502, 200])
    now = timezone.now()
    message = _enqueue(endpoint, now)
    assert delivery.outbox_deliver(message.pk, now=now).status == "pending"
    assert delivery.outbox_deliver(message.pk, now=now + timedelta(seconds=30)) is None  # not due yet
    done = delivery.outbox_deliver(message.pk, now=now + timedelta(minutes=1))
    assert done.status == "sent" and done.attempts == 2 and len(calls) == 2


def test_a_paused_endpoint_keeps_the_message_until_it_is_switched_on(endpoint, sent,
                                                                     django_capture_on_commit_callbacks):
    message = _enqueue(endpoint, timezone.now())
    webhook_endpoint_update(actor=DPO, endpoint=endpoint, change=EndpointChange(active=False))
    assert delivery.outbox_deliver(message.pk).status == "parked"
    assert sent[0] == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        webhook_endpoint_update(actor=DPO, endpoint=endpoint, change=EndpointChange(active=True))
    assert len(callbacks) == 1  # sent at once, not at the next sweep
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 0
    assert delivery.outbox_deliver(message.pk).status == "sent"
    assert len(sent[0]) == 1


def test_switching_an_endpoint_on_leaves_what_its_retries_parked(endpoint, sent):
    message = _enqueue(endpoint, timezone.now())
    OutboxMessage.objects.filter(pk=message.pk).update(status="parked", last_error="HTTP 500")
    webhook_endpoint_update(actor=DPO, endpoint=endpoint, change=EndpointChange(active=False))
    webhook_endpoint_update(actor=DPO, endpoint=endpoint, change=EndpointChange(active=True))
    message.refresh_from_db()
    assert message.status == "parked"  # the DPO's to look at and retry


def test_a_webhook_with_no_endpoint_is_cancelled(endpoint, sent):
    message = _enqueue(endpoint, timezone.now())
    OutboxMessage.objects.filter(pk=message.pk).update(endpoint=None)
    assert delivery.outbox_deliver(message.pk).status == "cancelled"
    assert sent[0] == []


def test_sweep_dispatches_due_messages_only(endpoint, monkeypatch):
    now = timezone.now()
    due = _enqueue(endpoint, now - timedelta(minutes=5), key="due")
    later = _enqueue(endpoint, now + timedelta(hours=1), key="later")
    dispatched = []
    monkeypatch.setattr(
        tasks.deliver_outbox_message, "delay", lambda message_id: dispatched.append(message_id)
    )
    assert tasks.dispatch_due_outbox() == 1
    assert dispatched == [str(due.pk)] and str(later.pk) not in dispatched
