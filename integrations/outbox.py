"""Queueing outbox messages: signed webhooks and e-mails written in the producer's transaction.

Producers call `outbox_enqueue_webhook` inside their own transaction, so the notice exists exactly
when the change it reports has committed; delivery is dispatched on commit. The retry schedule lives
in the row (`attempts`, `next_attempt_at`) rather than in the broker, so a lost task or a broker
restart only delays a notice: the `core.dispatch_due_outbox` sweep picks it up again. Sending,
signing and retrying are `integrations.delivery`'s.

E-mails (`outbox_enqueue_email`) store the template name and its context, not the rendered text: the
sweeper queues thousands of reminders in one transaction, and rendering happens once, on delivery,
in the recipient's language.

Dispatch on commit is "robust": when the broker is unreachable the change still commits with its
message pending, and the every-minute `core.dispatch_due_outbox` sweep delivers it later.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import languages_for_users
from audit.services import audit_record
from core.db import locked_or_not_found
from core.errors import Conflict
from integrations import tasks
from integrations.audience import PurposeAudience, names_a_purpose
from integrations.models import (
    ENDPOINT_PAUSED,
    OutboxDedupeKey,
    OutboxMessage,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)


def outbox_enqueue_webhook(
    *,
    endpoint: WebhookEndpoint,
    topic: str,
    payload: dict[str, Any],
    dedupe_key: str,
    subject_id=None,
    now: datetime | None = None,
    audience: PurposeAudience | None = None,
) -> OutboxMessage | None:
    """Queue a webhook in the caller's transaction; the same `dedupe_key` is never queued twice. A notice
    naming purposes is narrowed to those the endpoint's client serves, None when it serves none of them
    (`integrations.audience`; a fan-out passes the `audience` it read once for all its endpoints)."""
    if names_a_purpose(payload):
        payload = (audience or PurposeAudience.of_endpoints([endpoint])).notice_for(endpoint, payload)
        if payload is None:
            return None
    message = webhook_message(endpoint=endpoint, topic=topic, payload=payload, dedupe_key=dedupe_key,
                              subject_id=subject_id, now=now or timezone.now())
    return _enqueue_once(message, dispatch=True)


def _enqueue_once(message: OutboxMessage, *, dispatch: bool) -> OutboxMessage:
    """Save an unsaved message and claim its `dedupe_key` (caller's transaction); the message queued
    under that key before is returned instead, unchanged."""
    with transaction.atomic(savepoint=False):
        existing = OutboxMessage.objects.filter(dedupe_key=message.dedupe_key).first()
        if existing is not None:
            return existing
        message.save(force_insert=True)
        OutboxDedupeKey.objects.create(key=message.dedupe_key, message_id=message.pk)
        if dispatch:
            dispatch_on_commit(message.pk)
    return message


def webhook_message(
    *,
    endpoint: WebhookEndpoint,
    topic: str,
    payload: dict[str, Any],
    dedupe_key: str,
    subject_id=None,
    now: datetime,
) -> OutboxMessage:
    """An unsaved webhook (for `outbox_enqueue_email_batch`); `outbox_enqueue_webhook` saves one."""
    return OutboxMessage(
        kind=OutboxMessage.Kind.WEBHOOK,
        topic=topic,
        endpoint=endpoint,
        destination=endpoint.url,
        payload=json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True),
        dedupe_key=dedupe_key,
        subject_id=subject_id,
        next_attempt_at=now,
    )


def dispatch_on_commit(message_id) -> None:
    """Hand the message to a delivery task once the caller commits; a broker outage only delays it."""
    transaction.on_commit(functools.partial(_dispatch, message_id), robust=True)


def dispatch_sweep_on_commit() -> None:
    """One sweep task for many messages queued at once (the deadline sweeper's reminders)."""
    transaction.on_commit(_dispatch_sweep, robust=True)


def _dispatch(message_id) -> None:
    try:
        tasks.deliver_outbox_message.delay(str(message_id))
    except Exception:  # the broker is down: the row is pending and the sweep will send it
        logger.warning("outbox dispatch deferred to the sweep", extra={"message_id": str(message_id)})


def _dispatch_sweep() -> None:
    try:
        tasks.dispatch_due_outbox.delay()
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
    kind: str = OutboxMessage.Kind.EMAIL,
) -> OutboxMessage:
    """An unsaved e-mail message (for `bulk_create`); `outbox_enqueue_email` saves one.

    `template` names `<template>_subject.txt`, `<template>.txt` and optionally `<template>.html`;
    `context` must be JSON (values ending in `_at` are turned back into datetimes). `attachments` are
    `{"filename", "content", "mimetype"}` with text content. `language` is the recipient's
    (`core.languages.language_for_subject` / `language_for_user`); the site default when omitted.
    With `kind=SMS` the same stored template becomes a text message to the phone number `to`: its
    subject line, never a link: where the context has a `link`, a sentence saying where to read the
    rest once signed in (`integrations.delivery.render_sms`)."""
    body = {
        "template": template,
        "context": context,
        "language": language or settings.LANGUAGE_CODE,
        "attachments": attachments or [],
    }
    return OutboxMessage(
        kind=kind,
        topic=topic,
        destination=to,
        payload=json.dumps(body, cls=DjangoJSONEncoder, sort_keys=True),
        dedupe_key=dedupe_key,
        subject_id=subject_id,
        next_attempt_at=now,
    )


def outbox_enqueue_email(
    *, to: str, dispatch: bool = True, now: datetime | None = None, **fields: Any
) -> OutboxMessage | None:
    """Queue an e-mail (or, with `kind=SMS`, a text message) in the caller's transaction, rendered
    from `template` on delivery. `fields` are `email_message`'s. Nothing is queued without an address.
    With `dispatch=False` no task is sent on commit: the every-minute outbox sweep delivers it.
    """
    if not to:
        return None
    return _enqueue_once(email_message(to=to, now=now or timezone.now(), **fields), dispatch=dispatch)


def outbox_enqueue_email_batch(messages: list[OutboxMessage], *, dispatch: bool = True) -> int:
    """Queue unsaved e-mails (built with `email_message`; webhooks built with `webhook_message` too)
    in the caller's transaction, in one look-up
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
            # ignore_conflicts: a concurrent producer that claimed the same key first wins, quietly;
            # only the messages whose claim is ours are written.
            OutboxDedupeKey.objects.bulk_create(
                [OutboxDedupeKey(key=m.dedupe_key, message_id=m.pk) for m in fresh], ignore_conflicts=True
            )
            ours = OutboxDedupeKey.objects.filter(message_id__in=[m.pk for m in fresh])
            claimed = set(ours.values_list("message_id", flat=True))
            fresh = [m for m in fresh if m.pk in claimed]
            OutboxMessage.objects.bulk_create(fresh)
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
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if roles is not None:
        users = users.filter(groups__name__in=roles)
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    addresses = dict(users.values_list("pk", "email").distinct())
    languages = languages_for_users(addresses)
    return {user_id: StaffRecipient(address, languages[user_id]) for user_id, address in addresses.items()}


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
        .order_by("-created_at", "-pk")[:limit]
    )


def outbox_parked_count() -> int:
    """How many messages wait parked for a person (on the partial index `outbox_parked`)."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PARKED).count()


def outbox_retry(*, actor, message_id, now: datetime | None = None) -> OutboxMessage:
    """Give a parked message a fresh round of attempts (the DPO's "retry"), audited."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        message = locked_or_not_found(OutboxMessage, message_id)
        if message.status != OutboxMessage.Status.PARKED:
            raise Conflict(_("Only a parked message can be retried."), code="not_parked")
        outbox_rearm(message, now=now)
        audit_record(
            action="core.outbox.retried",
            actor=actor,
            subject=message.subject_id,
            target=message,
            data={"topic": message.topic, "kind": message.kind},
            now=now,
        )
    return message


def outbox_cancel(message: OutboxMessage, *, reason: str) -> None:
    """Stop retrying a locked message (another channel carries it now); `reason` holds no personal data."""
    message.status = OutboxMessage.Status.CANCELLED
    message.last_error = reason[:500]
    message.save(update_fields=["status", "last_error"])


def outbox_rearm(message: OutboxMessage, *, now: datetime) -> None:
    """A fresh round of attempts for a locked message, sent once the caller commits."""
    message.status = OutboxMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    dispatch_on_commit(message.pk)


def outbox_resume_endpoint(endpoint: WebhookEndpoint, *, now: datetime) -> int:
    """The webhooks parked while `endpoint` was switched off, re-armed in the caller's transaction (which
    switches it on again) and sent once it commits. Returns how many."""
    waiting = OutboxMessage.objects.select_for_update().filter(
        endpoint=endpoint, status=OutboxMessage.Status.PARKED, last_error=ENDPOINT_PAUSED
    )
    resumed = 0
    for message in waiting:
        outbox_rearm(message, now=now)
        resumed += 1
    return resumed
