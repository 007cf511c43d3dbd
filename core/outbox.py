"""Delivering outbox messages: signed webhooks and e-mails, with retries and exponential backoff.

Producers call `outbox_enqueue_webhook` inside their own transaction, so the notice exists exactly
when the change it reports has committed; delivery is dispatched on commit. The retry schedule lives
in the row (`attempts`, `next_attempt_at`) rather than in the broker, so a lost task or a broker
restart only delays a notice: the `core.dispatch_due_outbox` sweep picks it up again. After the last
attempt the message is parked for a person to look at.

E-mails (`outbox_enqueue_email`) store the template name and its context, not the rendered text: the
sweeper queues thousands of reminders in one transaction, and rendering happens once, on delivery,
in the recipient's language. They go through Django's mail backend (the file backend writing to
`var/mail/` by default, SMTP from `EMAIL_URL` in production).

Dispatch on commit is "robust": when the broker is unreachable the change still commits with its
message pending, and the every-minute `core.dispatch_due_outbox` sweep delivers it later.

Receivers verify `X-QDL-Signature: sha256=<hex>`, the HMAC-SHA256 of "<timestamp>.<body>" keyed with
their endpoint secret, and reject timestamps that are too old (replay protection).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.errors import Conflict, NotFound
from core.languages import languages_for_users
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
        dispatch_on_commit(message.pk)
    return message


def dispatch_on_commit(message_id) -> None:
    """Hand the message to a delivery task once the caller commits; a broker outage only delays it."""
    transaction.on_commit(functools.partial(_dispatch, message_id), robust=True)


def dispatch_sweep_on_commit() -> None:
    """One sweep task for many messages queued at once (the deadline sweeper's reminders)."""
    transaction.on_commit(_dispatch_sweep, robust=True)


def _dispatch(message_id) -> None:
    from core.tasks import deliver_outbox_message

    try:
        deliver_outbox_message.delay(str(message_id))
    except Exception:  # the broker is down: the row is pending and the sweep will send it
        logger.warning("outbox dispatch deferred to the sweep", extra={"message_id": str(message_id)})


def _dispatch_sweep() -> None:
    from core.tasks import dispatch_due_outbox

    try:
        dispatch_due_outbox.delay()
    except Exception:  # the broker is down: beat runs the sweep again within a minute
        logger.warning("outbox sweep dispatch deferred")


def absolute_url(path: str) -> str:
    """A portal path as the full link an e-mail carries (`SITE_URL` in front); "" for no path."""
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""


def email_message(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    topic: str,
    language: str | None = None,
    subject_id=None,
    attachments: list[dict[str, str]] | None = None,
    now: datetime,
) -> OutboxMessage:
    """An unsaved e-mail message (for `bulk_create`); `outbox_enqueue_email` saves one."""
    body = {
        "template": template,
        "context": context,
        "language": language or settings.LANGUAGE_CODE,
        "attachments": attachments or [],
    }
    return OutboxMessage(
        kind=OutboxMessage.Kind.EMAIL,
        topic=topic,
        destination=to,
        payload=json.dumps(body, cls=DjangoJSONEncoder, sort_keys=True),
        dedupe_key=dedupe_key,
        subject_id=subject_id,
        next_attempt_at=now,
    )


def outbox_enqueue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    topic: str,
    language: str | None = None,
    subject_id=None,
    attachments: list[dict[str, str]] | None = None,
    dispatch: bool = True,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Queue an e-mail in the caller's transaction, rendered from `template` on delivery.

    `template` names `<template>_subject.txt`, `<template>.txt` and optionally `<template>.html`;
    `context` must be JSON (values ending in `_at` are turned back into datetimes). `attachments` are
    `{"filename", "content", "mimetype"}` with text content. `language` is the recipient's
    (`core.languages.language_for_subject` / `language_for_user`); the site default when omitted.
    Nothing is queued without an address.
    With `dispatch=False` no task is sent on commit: the every-minute outbox sweep delivers it.
    """
    if not to:
        return None
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        message = email_message(
            to=to,
            template=template,
            context=context,
            dedupe_key=dedupe_key,
            topic=topic,
            language=language,
            subject_id=subject_id,
            attachments=attachments,
            now=now,
        )
        message.save(force_insert=True)
        if dispatch:
            dispatch_on_commit(message.pk)
    return message


def outbox_enqueue_email_batch(messages: list[OutboxMessage], *, dispatch: bool = True) -> int:
    """Queue unsaved e-mails (built with `email_message`) in the caller's transaction, in one look-up
    and one insert for the batch: for producers that tell thousands of customers at once. A message
    whose `dedupe_key` is already queued is skipped; returns how many were new.

    No task per message: one outbox sweep is dispatched on commit (and the every-minute sweep runs
    anyway), so a 100,000-customer notice does not hand 100,000 callbacks to the commit. With
    `dispatch=False` not even that: for a caller that dispatches the sweep itself.
    """
    keys = [m.dedupe_key for m in messages]
    queued = set(OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fresh = [m for m in messages if m.dedupe_key not in queued]
    if fresh:
        with transaction.atomic(savepoint=False):
            # ignore_conflicts: a concurrent producer that queued the same key first wins, quietly.
            OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
            if dispatch:
                dispatch_sweep_on_commit()
    return len(fresh)


class StaffRecipient(NamedTuple):
    address: str
    language: str


def staff_recipients(
    *, roles: list[str] | None = None, user_ids: list[int] | None = None
) -> dict[int, StaffRecipient]:
    """Active staff with an e-mail address, by user id, chosen by role (group) or by id, with the
    address and the language each is written to in."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if roles is not None:
        users = users.filter(groups__name__in=roles)
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    addresses = dict(users.values_list("pk", "email").distinct())
    languages = languages_for_users(addresses)
    return {user_id: StaffRecipient(address, languages[user_id]) for user_id, address in addresses.items()}


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
    """Try to deliver one due webhook or e-mail; on failure schedule the next attempt or park it.

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
        if message.kind == OutboxMessage.Kind.WEBHOOK and (
            message.endpoint is None or not message.endpoint.active
        ):
            message.status = OutboxMessage.Status.CANCELLED
            message.last_error = "endpoint missing or inactive"
            message.save(update_fields=["status", "last_error"])
            return message
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=DELIVERY_LEASE_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at"])
    # The HTTP or SMTP call happens outside any transaction: a slow receiver must not hold row locks.
    if message.kind == OutboxMessage.Kind.EMAIL:
        error = _send_email(message)
    else:
        error = _send_webhook(message, now)
    return _record_attempt(message, error, now=now)


def _send_webhook(message: OutboxMessage, now: datetime) -> str:
    """POST the signed webhook; returns "" on success, else what went wrong (no personal data)."""
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
    return error


def _send_email(message: OutboxMessage) -> str:
    """Render and send the e-mail through Django's mail backend; "" on success."""
    try:
        email = render_email(message)
    except (TemplateDoesNotExist, ValueError, KeyError) as exc:
        return f"cannot render: {type(exc).__name__}"
    try:
        sent = get_connection(fail_silently=False).send_messages([email])
    except Exception as exc:  # SMTP errors, refused connections, timeouts: retried with backoff
        return f"mail error: {type(exc).__name__}"
    return "" if sent else "mail error: not sent"


def render_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail a stored message stands for, rendered in its language."""
    body = json.loads(message.payload)
    context = _revive(body["context"])
    template = body["template"]
    with translation.override(body.get("language") or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    email = EmailMultiAlternatives(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=[message.destination],
        headers={"X-QDL-Message": str(message.pk), "X-QDL-Topic": message.topic},
    )
    if html:
        email.attach_alternative(html, "text/html")
    for attachment in body.get("attachments", []):
        email.attach(attachment["filename"], attachment["content"], attachment.get("mimetype", "text/plain"))
    return email


def _revive(value: Any, key: str = "") -> Any:
    """JSON back to template values: strings under keys ending in `_at` become datetimes."""
    if isinstance(value, dict):
        return {k: _revive(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v, key) for v in value]
    if key.endswith("_at") and isinstance(value, str):
        return parse_datetime(value) or value
    return value


def _record_attempt(message: OutboxMessage, error: str, *, now: datetime) -> OutboxMessage:
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


def outbox_email_staff(
    *,
    roles: list[str],
    template: str,
    context: dict[str, Any] | Callable[[str], dict[str, Any]],
    topic: str,
    dedupe_key: str,
    attachments: list[dict[str, str]] | Callable[[str], list[dict[str, str]]] | None = None,
    dispatch: bool = True,
    now: datetime | None = None,
) -> int:
    """Queue the same e-mail to every active staff member holding one of `roles` (caller's transaction),
    each in their own language, in one look-up and one insert (`outbox_enqueue_email_batch`).

    `context` and `attachments` may be functions of the language (`core.languages.per_language`) when
    the caller words part of them itself. `dedupe_key` is per event; each recipient's key adds their
    user id. Returns how many staff members the e-mail is queued for, by this call or an earlier one
    with the same key.
    """
    now = now or timezone.now()
    messages = [
        email_message(
            to=recipient.address,
            template=template,
            context=context(recipient.language) if callable(context) else context,
            topic=topic,
            dedupe_key=f"{dedupe_key}:{user_id}",
            attachments=attachments(recipient.language) if callable(attachments) else attachments,
            language=recipient.language,
            now=now,
        )
        for user_id, recipient in staff_recipients(roles=roles).items()
    ]
    outbox_enqueue_email_batch(messages, dispatch=dispatch)
    return len(messages)


def outbox_parked(*, limit: int = 200) -> list[OutboxMessage]:
    """Parked messages, newest first, for the DPO's page (the address stays encrypted until shown)."""
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PARKED)
        .select_related("endpoint")
        .order_by("-created_at")[:limit]
    )


def outbox_retry(*, actor, message_id, now: datetime | None = None) -> OutboxMessage:
    """Give a parked message a fresh round of attempts (the DPO's "retry"), audited."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise NotFound()
        if message.status != OutboxMessage.Status.PARKED:
            raise Conflict(_("Only a parked message can be retried."), code="not_parked")
        message.status = OutboxMessage.Status.PENDING
        message.attempts = 0
        message.next_attempt_at = now
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            action="core.outbox.retried",
            actor=actor,
            subject=message.subject_id,
            target=message,
            data={"topic": message.topic, "kind": message.kind},
            now=now,
        )
        dispatch_on_commit(message.pk)
    return message
