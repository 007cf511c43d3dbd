"""One real Celery worker delivers a signed webhook from the outbox to a real HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import threading
import uuid

import pytest
from django.db import transaction

from integrations import outbox
from integrations.models import OutboxMessage, WebhookEndpoint
from integrations.tasks import deliver_outbox_message
from tests.factories import UserFactory
from tests.reliability.servers import start_worker, stop, wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers, body))  # case-insensitive header look-ups
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)  # a port the system says is free
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()


def test_worker_delivers_a_signed_webhook(receiver):
    url, received = receiver
    client = UserFactory(role="integration_client")
    endpoint = WebhookEndpoint.objects.create(client=client, name="hook", url=url, secret="worker-secret")
    with transaction.atomic():
        message = outbox.outbox_enqueue_webhook(
            endpoint=endpoint, topic="consent.withdrawn", payload={"duty": "d-1"}, dedupe_key="worker-test"
        )
    # A queue of its own, so this worker takes no one else's tasks and no one takes this one.
    queue = f"test-outbox-{uuid.uuid4().hex[:8]}"
    deliver_outbox_message.apply_async(args=[str(message.pk)], queue=queue)
    worker = start_worker(queue=queue)
    try:
        wait_until(
            lambda: message.refresh_from_db() or message.status != OutboxMessage.Status.PENDING,
            timeout=60,
            interval=0.3,
            what="the webhook delivered",
        )
    finally:
        stop(worker)
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1
    ((headers, body),) = received
    expected = hmac.new(b"worker-secret", headers["X-QDL-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-QDL-Signature"] == f"sha256={expected.hexdigest()}"
    assert headers["X-QDL-Event"] == "consent.withdrawn"
