"""Delivering outbox messages: signed webhooks with retries and exponential backoff.

Producers call `outbox_enqueue_webhook` inside their own transaction, so the notice exists exactly
when the change it reports has committed; delivery is dispatched on commit. The retry schedule lives
in the row (`attempts`, `next_attempt_at`) rather than in the broker, so a lost task or a broker
restart only delays a notice: the `core.dispatch_due_outbox` sweep picks it up again. After the last
attempt the message is parked for a person to look at.

Receivers verify `X-QDL-Signature: sha256=<hex>`, the HMAC-SHA256 of "<timestamp>.<body>" keyed with
their endpoint secret, and reject timestamps that are too old (replay protection).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage, WebhookEndpoint

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 6 * 60 * 60
# While one worker is sending, the row is leased so the sweep does not hand it to another worker.
DELIVERY_LEASE_SECONDS = 120
REQUEST_TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-QDL-Signature"
TIMESTAMP_HEADER = "X-QDL-Timestamp"


def outbox_enqueue_webhook(
    *,
    endpoint: WebhookEndpoint,
    topic: str,
    payload: dict[str, Any],
    dedupe_key: str,
    subject_id=None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Queue a webhook in the caller's transaction; the same `dedupe_key` is never queued twice."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        message = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.WEBHOOK,
            topic=topic,
            endpoint=endpoint,
            destination=endpoint.url,
            payload=json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True),
            dedupe_key=dedupe_key,
            subject_id=subject_id,
            next_attempt_at=now,
        )
        from core.tasks import deliver_outbox_message

        deliver_outbox_message.delay_on_commit(str(message.pk))
    return message


def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4, 8... minutes, capped at 6 hours."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _send(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the HTTP status; network failures raise OSError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - https/http only, set by staff
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def outbox_deliver(message_id, *, now: datetime | None = None) -> OutboxMessage | None:
    """Try to deliver one due webhook; on failure schedule the next attempt or park it.

    Returns the message, or None when it was not due (already sent, parked, leased by another worker).
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        if (
            message.kind != OutboxMessage.Kind.WEBHOOK
            or message.endpoint is None
            or not message.endpoint.active
        ):
            message.status = OutboxMessage.Status.CANCELLED
            message.last_error = "endpoint missing or inactive"
            message.save(update_fields=["status", "last_error"])
            return message
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=DELIVERY_LEASE_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at"])
    # The HTTP call happens outside any transaction: a slow receiver must not hold row locks.
    body = message.payload.encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "QuyenDuLieu-Webhook/1",
        "X-QDL-Event": message.topic,
        "X-QDL-Delivery": str(message.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + sign(message.endpoint.secret, timestamp, body),
    }
    try:
        status = _send(message.endpoint.url, body, headers)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except OSError as exc:
        error = f"network error: {type(exc).__name__}"
    with transaction.atomic(durable=True):
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if not error:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = now
            message.last_error = ""
        elif message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.PARKED
            message.last_error = error
        else:
            message.next_attempt_at = now + backoff_delay(message.attempts)
            message.last_error = error
        message.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    if error:
        logger.warning(
            "outbox delivery failed",
            extra={"message_id": str(message.pk), "attempts": message.attempts, "error": error},
        )
    return message


def outbox_due_ids(*, now: datetime | None = None, limit: int = 500) -> list:
    """Ids of pending messages whose next attempt is due, oldest first (on the partial index)."""
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
