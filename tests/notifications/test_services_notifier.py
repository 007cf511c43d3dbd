"""The notifier (#17): channels chosen from the customer's preferences, fallback to the next channel
through the outbox when one keeps failing, the SMS adapters, and a record of every message."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor
from core.errors import InvalidInput
from integrations import delivery
from integrations.delivery import MAX_ATTEMPTS, outbox_deliver
from integrations.models import OutboxMessage
from integrations.outbox import outbox_due_ids
from integrations.outbox_retention import outbox_erase
from integrations.sms import FileSmsGateway, HttpSmsGateway, sms_gateway
from notifications.models import Notification, NotificationAttempt
from notifications.selectors import notification_text
from notifications.services import channels_for, notification_preference_set, notifications_erase, notify
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

TEMPLATE = "dsr/email/customer_update"
CONTEXT = {
    "event": "received",
    "type_label": "Access",
    "reference": "AB12CD34",
    "due_at": "2026-03-20T09:00:00+07:00",
    "reason_label": "",
    "note": "",
    "link": "https://bank.example/me/requests/1/",
}
WHERE_TO_READ_VI = (
    "Chi tiết tại mục Thông báo trên ứng dụng/Internet Banking của ngân hàng. "
    "Cần hỏi: đến bất kỳ chi nhánh nào."
)


def _notify(subject, key="k1", now=None):
    return notify(
        subject=subject, template=TEMPLATE, context=CONTEXT, topic="dsr.customer.received", dedupe_key=key,
        now=now,
    )


def _messages(notification):
    ids = notification.attempts.exclude(outbox_message_id=None).values_list("outbox_message_id", flat=True)
    return list(OutboxMessage.objects.filter(pk__in=list(ids)).order_by("created_at"))


@pytest.fixture(autouse=True)
def sms_files(settings, tmp_path):
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.NOTIFY_DEFAULT_CHANNELS = ["email", "sms", "inbox"]
    settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS = 2
    return tmp_path / "sms"


def test_channels_follow_the_preference_and_the_contact_data_on_file():
    both = make_subject()
    assert channels_for(both, None) == ["email", "sms", "inbox"]
    assert channels_for(both, ["sms", "email"]) == ["sms", "email", "inbox"]
    assert channels_for(both, ["inbox"]) == ["inbox"]
    no_email = make_subject(email="")
    assert channels_for(no_email, ["email", "sms"]) == ["sms", "inbox"]
    nothing = make_subject(email="", phone="")
    assert channels_for(nothing, None) == ["inbox"]


def test_the_first_preferred_channel_carries_the_message():
    subject = make_subject()
    first = _notify(subject, "default")
    assert [(m.kind, m.destination) for m in _messages(first)] == [("email", subject.email)]
    notification_preference_set(
        actor=Actor.system("tests"), subject=subject, channels=["sms", "email", "inbox"]
    )
    by_sms = _notify(subject, "sms-first")
    assert [(m.kind, m.destination) for m in _messages(by_sms)] == [("sms", subject.phone)]
    assert by_sms.channel == "sms" and by_sms.language == subject.preferred_language
    notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["inbox"])
    inbox = _notify(subject, "inbox-only")
    assert _messages(inbox) == []
    assert (inbox.channel, inbox.status) == ("inbox", "delivered")
    # The same key is never sent twice.
    assert _notify(subject, "inbox-only").pk == inbox.pk
    assert Notification.objects.filter(subject=subject).count() == 3


def test_a_failing_channel_falls_back_to_the_next_retried_through_the_outbox(settings, monkeypatch, caplog):
    subject = make_subject()
    notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["sms", "email"])
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/unreachable"  # nothing listens on the discard port
    settings.SMS_GATEWAY_TOKEN = "t0ken"
    now = timezone.now()
    notification = _notify(subject, now=now)
    (sms,) = _messages(notification)
    caplog.set_level(logging.WARNING)

    outbox_deliver(sms.pk, now=now)  # the first failure: the outbox retries the same channel
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("pending", 1)
    assert notification.attempts.get().status == "pending"

    later = now + timedelta(minutes=5)
    outbox_deliver(sms.pk, now=later)  # the second: hand over to e-mail
    sms.refresh_from_db()
    assert sms.status == OutboxMessage.Status.CANCELLED
    sms_attempt, email_attempt = notification.attempts.order_by("pk")
    assert (sms_attempt.channel, sms_attempt.status) == ("sms", "failed")
    assert sms_attempt.error.startswith("sms error")
    assert (email_attempt.channel, email_attempt.status) == ("email", "pending")
    email = OutboxMessage.objects.get(pk=email_attempt.outbox_message_id)
    assert (email.kind, email.destination, email.status) == ("email", subject.email, "pending")
    # Queued through the outbox: the every-minute sweep picks it up like any other message.
    assert email.pk in outbox_due_ids(now=later)

    outbox_deliver(email.pk, now=later)
    notification.refresh_from_db()
    email_attempt.refresh_from_db()
    assert (notification.status, notification.channel) == ("delivered", "email")
    assert email_attempt.status == "delivered" and email_attempt.finished_at == later
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [subject.email]
    # Logs name message ids and error codes, never the number or the address.
    assert subject.phone not in caplog.text and subject.email not in caplog.text


def test_when_every_outside_channel_fails_the_inbox_keeps_the_message(settings, monkeypatch):
    settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS = 1
    subject = make_subject(email="")
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/unreachable"
    now = timezone.now()
    notification = _notify(subject, now=now)
    (sms,) = _messages(notification)
    # Only the inbox is left: the outbox keeps retrying the SMS with its whole backoff first.
    for attempt in range(MAX_ATTEMPTS - 1):
        outbox_deliver(sms.pk, now=now + attempt * timedelta(hours=7))
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == ("pending", attempt + 1)
    notification.refresh_from_db()
    assert (notification.channel, notification.status) == ("sms", "pending")
    outbox_deliver(sms.pk, now=now + MAX_ATTEMPTS * timedelta(hours=7))
    sms.refresh_from_db()
    assert sms.status == "cancelled"  # parked, then handed to the inbox
    notification.refresh_from_db()
    assert (notification.channel, notification.status) == ("inbox", "delivered")
    assert [(a.channel, a.status) for a in notification.attempts.order_by("pk")] == [
        ("sms", "failed"), ("inbox", "delivered")
    ]


def test_file_sms_adapter_writes_the_text_under_var(sms_files):
    assert isinstance(sms_gateway(), FileSmsGateway)
    subject = make_subject()
    notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["sms"])
    notification = _notify(subject)
    (sms,) = _messages(notification)
    outbox_deliver(sms.pk)
    (written,) = list(sms_files.iterdir())
    body = json.loads(written.read_text("utf-8"))
    assert body["to"] == subject.phone
    assert body["reference"] == str(sms.pk)
    # No link in an SMS (`integrations.delivery.render_sms`): where to read it, in the customer's words.
    assert "AB12CD34" in body["text"] and "http" not in body["text"]
    assert body["text"].endswith(WHERE_TO_READ_VI)
    notification.refresh_from_db()
    assert (notification.status, notification.channel) == ("delivered", "sms")


class _Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        length = int(self.headers["Content-Length"])
        _Gateway.received.append((self.path, dict(self.headers), self.rfile.read(length)))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    _Gateway.received = []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", _Gateway.received
    server.shutdown()
    server.server_close()


def test_http_sms_adapter_posts_the_message_with_the_token(settings, gateway):
    url, received = gateway
    settings.SMS_GATEWAY_URL = url
    settings.SMS_GATEWAY_TOKEN = "s3cret-token"
    settings.SMS_SENDER = "QDLBANK"
    assert isinstance(sms_gateway(), HttpSmsGateway)
    subject = make_subject(email="")
    notification = _notify(subject)
    (sms,) = _messages(notification)
    outbox_deliver(sms.pk)
    ((path, headers, body),) = received
    assert path == "/send"
    assert headers["Authorization"] == "Bearer s3cret-token"
    assert headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["to"] == subject.phone
    assert payload["sender"] == "QDLBANK"
    assert payload["reference"] == str(sms.pk)
    assert "AB12CD34" in payload["text"] and "http" not in payload["text"]
    sms.refresh_from_db()
    assert sms.status == "sent"


def test_every_customer_message_of_the_platform_is_recorded(django_capture_on_commit_callbacks):
    subject = make_subject()
    with django_capture_on_commit_callbacks():
        request = make_request(subject, type="access")
    notification = Notification.objects.get(subject=subject, topic="dsr.customer.received")
    assert json.loads(notification.context)["reference"] == request.reference  # the one reference
    (attempt,) = NotificationAttempt.objects.filter(notification=notification)
    assert (attempt.channel, attempt.status) == ("email", "pending")
    assert OutboxMessage.objects.get(pk=attempt.outbox_message_id).destination == subject.email


def test_the_preference_is_validated_and_audited():
    subject = make_subject()
    with pytest.raises(InvalidInput):
        notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["pigeon"])
    notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["sms", "inbox"])
    entry = AuditEntry.objects.filter(action="notifications.preference.changed").get()
    assert entry.data == {"old": [], "new": ["sms", "inbox"]}


def test_erasure_forgets_what_the_messages_said_and_keeps_the_record():
    subject = make_subject()
    notification = _notify(subject)
    assert notifications_erase(subject_id=subject.pk) == 1
    notification.refresh_from_db()
    assert json.loads(notification.context) == {}
    assert "AB12CD34" not in notification_text(notification).title
    assert notification.attempts.count() == 1


def test_erasure_ends_a_message_still_being_sent():
    subject = make_subject()
    notification = _notify(subject)
    now = timezone.now()
    notifications_erase(subject_id=subject.pk, now=now)
    notification.refresh_from_db()
    assert notification.status == "failed"
    attempt = notification.attempts.get()
    assert (attempt.status, attempt.finished_at) == ("failed", now)
    assert attempt.error and subject.email not in attempt.error


def test_a_delivery_in_flight_at_the_erasure_leaves_the_cancelled_message_alone(settings, monkeypatch):
    """The erasure commits while the SMS gateway is being called: its failure neither parks the emptied
    message nor hands the notice to the next channel."""
    settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS = 1
    subject = make_subject()
    notification_preference_set(actor=Actor.system("tests"), subject=subject, channels=["sms", "email"])
    now = timezone.now()
    notification = _notify(subject, now=now)
    (sms,) = _messages(notification)
    OutboxMessage.objects.filter(pk=sms.pk).update(attempts=MAX_ATTEMPTS - 1)

    def erased_meanwhile(message, at):
        with transaction.atomic():
            outbox_erase(subject_id=subject.pk, now=at)
            notifications_erase(subject_id=subject.pk, now=at)
        return "sms error: gateway timeout"

    monkeypatch.setattr(delivery, "_send_sms", erased_meanwhile)
    outbox_deliver(sms.pk, now=now)
    sms.refresh_from_db()
    assert (sms.status, sms.payload, sms.destination) == ("cancelled", "", "")
    assert OutboxMessage.objects.filter(subject_id=subject.pk).count() == 1
    assert [(a.channel, a.status) for a in notification.attempts.all()] == [("sms", "failed")]
