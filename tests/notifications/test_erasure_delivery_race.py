"""A message the gateway accepted around the customer's erasure is recorded as sent, whichever of the
two commits first: the erasure ends only what is still being sent, never a delivery that happened.

The outbox records each attempt in `integrations.delivery._record_attempt` (the message locked), and
the notifier follows it in the same transaction (`notification_follow_outbox`); the erasure
(`outbox_erase`, `notifications_erase`) may commit while the gateway is being called, or find a
message the outbox already sent whose notification attempt is not recorded yet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from integrations import delivery
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from integrations.outbox import outbox_enqueue_email
from integrations.outbox_retention import outbox_erase
from notifications.models import Notification
from notifications.services import notification_preference_set, notifications_erase
from tests.factories import make_subject
from tests.notifications.test_services_notifier import (
    TEMPLATE,
    _messages,
    _notify,
    sms_files,  # noqa: F401 - the same channels, autouse
)

pytestmark = pytest.mark.django_db


def _erase(subject, now):
    with transaction.atomic():
        outbox_erase(subject_id=subject.pk, now=now)
        notifications_erase(subject_id=subject.pk, now=now)


def _erased_while_the_sms_is_sent(monkeypatch, settings, gateway_answer: str):
    """A customer's SMS handed to the gateway; the erasure commits during the call, which then answers
    `gateway_answer` ("" = accepted). Returns the customer, the notification, the SMS and the time."""
    settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS = 1  # a failure that counted would hand over to e-mail at once
    subject = make_subject()
    notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["sms", "email"])
    now = timezone.now()
    notification = _notify(subject, now=now)
    (sms,) = _messages(notification)

    def erased_meanwhile(message, at):
        _erase(subject, at + timedelta(seconds=1))
        return gateway_answer

    monkeypatch.setattr(delivery, "_send_sms", erased_meanwhile)
    outbox_deliver(sms.pk, now=now)
    sms.refresh_from_db()
    return subject, notification, sms, now


def _outcome(notification):
    notification.refresh_from_db()
    return notification.status, [(a.channel, a.status, a.error) for a in notification.attempts.order_by("pk")]


def test_accepted_by_the_gateway_then_erased_before_the_outcome_is_recorded(monkeypatch, settings):
    """The gateway accepts the SMS; the erasure commits before the outbox records it: the erasure had
    cancelled the message and failed the attempt, and the acceptance was dropped."""
    subject, notification, sms, now = _erased_while_the_sms_is_sent(monkeypatch, settings, "")
    assert (sms.status, sms.sent_at, sms.last_error) == ("sent", now, "")
    assert (sms.destination, sms.payload) == ("", "")  # what the erasure emptied stays emptied
    assert _outcome(notification) == ("delivered", [("sms", "delivered", "")])
    notification.refresh_from_db()
    assert (notification.channel, notification.delivered_at, notification.context) == ("sms", now, "{}")
    assert OutboxMessage.objects.filter(subject_id=subject.pk).count() == 1  # no other channel queued


def test_sent_by_the_outbox_then_erased_before_the_attempt_is_recorded():
    """The outbox already sent the message the attempt follows (queued under the same key before the
    notifier, as `_queue` allows); the erasure finds the attempt still pending and failed it."""
    subject = make_subject()
    now = timezone.now()
    earlier = outbox_enqueue_email(
        to=subject.email, template=TEMPLATE, context={}, dedupe_key="k1", topic="dsr.customer.received",
        subject_id=subject.pk, now=now,
    )
    assert outbox_deliver(earlier.pk, now=now).status == "sent"
    notification = _notify(subject, key="k1", now=now + timedelta(minutes=1))
    assert _messages(notification) == [earlier] and notification.attempts.get().status == "pending"
    waiting = _notify(subject, key="k2", now=now + timedelta(minutes=1))

    erased_at = now + timedelta(minutes=2)
    _erase(subject, erased_at)
    assert _outcome(notification) == ("delivered", [("email", "delivered", "")])
    notification.refresh_from_db()
    assert notification.delivered_at == now and notification.attempts.get().finished_at == now
    # The message still waiting beside it ends failed for the erasure, as before.
    status, [(channel, attempt_status, error)] = _outcome(waiting)
    assert (status, channel, attempt_status) == ("failed", "email", "failed") and error
    assert waiting.attempts.get().finished_at == erased_at
    assert Notification.objects.filter(subject=subject, status="delivered").count() == 1


def test_recorded_as_sent_then_erased_stays_sent():
    """The ordinary order: the outcome is recorded first; the erasure leaves it as it is."""
    subject = make_subject()
    now = timezone.now()
    notification = _notify(subject, now=now)
    (email,) = _messages(notification)
    outbox_deliver(email.pk, now=now)
    _erase(subject, now + timedelta(minutes=1))
    assert _outcome(notification) == ("delivered", [("email", "delivered", "")])
    email.refresh_from_db()
    assert (email.status, email.sent_at, email.payload) == ("sent", now, "")


def test_refused_by_the_gateway_after_the_erasure_stays_failed(monkeypatch, settings):
    """A failure after the erasure changes nothing: cancelled, failed for the erasure, no fallback."""
    refused = "sms error: rejected"
    subject, notification, sms, _now = _erased_while_the_sms_is_sent(monkeypatch, settings, refused)
    assert sms.status == "cancelled" and sms.sent_at is None
    status, attempts = _outcome(notification)
    assert status == "failed" and [(c, s) for c, s, _error in attempts] == [("sms", "failed")]
    assert OutboxMessage.objects.filter(subject_id=subject.pk).count() == 1
