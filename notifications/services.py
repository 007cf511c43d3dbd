"""The notifier: every message to a customer goes through here, on the channels they prefer.

`notify` (one customer) and `notify_many` (a chunk of customers, for notices that reach thousands) write
a `Notification` in the caller's transaction and hand it to the first channel that can reach the
customer: e-mail or SMS through the outbox (`integrations.outbox`, which retries with backoff), or the
in-app inbox (delivered on the spot). The outbox tells us of each delivery attempt
(`integrations.signals.outbox_attempt_finished`, received by `notification_follow_outbox`): a channel
that keeps failing hands the message to the customer's next channel, queued through the outbox again;
every channel tried is a `NotificationAttempt` (channel, when, delivered or failed). The inbox is always
the last channel, so no message is lost for want of an address. Languages are the customer's
(`preferred_language`); nothing personal is logged: the outbox logs message ids and error codes only.

`contact_changed_notify` is the one place the old phone or e-mail is told it was replaced, after every
rectification that changes it (registered in `subjects.follow_ups` at start-up).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for_subject
from audit.services import audit_record
from core.actors import Actor
from core.db import bulk_insert, encrypted_update
from core.errors import InvalidInput
from integrations.models import OutboxMessage
from integrations.outbox import email_message, outbox_cancel, outbox_enqueue_email, outbox_enqueue_email_batch
from notifications.models import Channel, Notification, NotificationAttempt, NotificationPreference
from subjects.models import DataSubject
from subjects.selectors import personal_value_masked

OUTBOX_KIND = {Channel.EMAIL: OutboxMessage.Kind.EMAIL, Channel.SMS: OutboxMessage.Kind.SMS}
FELL_BACK = "fell back to the next channel"
ERASED = "erased with the customer's personal data"
# `Channel.values` rebuilds its list on each read; a sweep asks once per customer and channel.
CHANNELS = frozenset(Channel.values)


def channels_for(subject: DataSubject, preferred: list[str] | None) -> list[str]:
    """The channels to try, in order: the customer's choice (or the bank's default), keeping those that
    can reach them (an e-mail address, a phone number), with the inbox always last."""
    chosen: list[str] = []
    for channel in preferred or settings.NOTIFY_DEFAULT_CHANNELS:
        if channel in CHANNELS and channel not in chosen and _reaches(subject, channel):
            chosen.append(channel)
    if Channel.INBOX not in chosen:
        chosen.append(Channel.INBOX)
    return chosen


def _reaches(subject: DataSubject, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return bool(subject.email)
    if channel == Channel.SMS:
        return bool(subject.phone)
    return True


def _address(subject: DataSubject, channel: str) -> str:
    return subject.email if channel == Channel.EMAIL else subject.phone


def _start(
    notification: Notification, subject: DataSubject, index: int, *, now: datetime
) -> tuple[dict[str, Any] | None, NotificationAttempt]:
    """Hand the message to its `index`-th channel: the outbox message to queue (the arguments of
    `integrations.outbox.email_message` / `outbox_enqueue_email`; None for the inbox) and the attempt
    (unsaved; for the outbox, its `outbox_message_id` is set once the message is queued)."""
    channel = notification.channels[index]
    notification.channel = channel
    if channel == Channel.INBOX:
        notification.status = Notification.Status.DELIVERED
        notification.delivered_at = now
        attempt = NotificationAttempt(
            notification_id=notification.pk, channel=channel, status=NotificationAttempt.Status.DELIVERED,
            created_at=now, finished_at=now,
        )
        return None, attempt
    key = notification.dedupe_key
    message = {
        "to": _address(subject, channel),
        "template": notification.template,
        "context": json.loads(notification.context),
        # The first channel's message keeps the producer's key (`breach:<id>:<subject>`), as before.
        "dedupe_key": key if index == 0 else f"{key}:{channel}:{index}",
        "topic": notification.topic,
        "language": notification.language,
        "subject_id": subject.pk,
        "now": now,
        "kind": OUTBOX_KIND[channel],
    }
    return message, NotificationAttempt(notification_id=notification.pk, channel=channel, created_at=now)


def _queue(message: dict[str, Any] | None, attempt: NotificationAttempt, *, dispatch: bool) -> None:
    """Queue one message through the outbox (which claims its key: a message queued under that key
    before, e.g. a plain e-mail from before the notifier, is followed instead) and save the attempt."""
    if message is not None:
        queued = outbox_enqueue_email(**message, dispatch=dispatch)
        if queued is None:  # the address or number was erased since the message was written
            attempt.status, attempt.error, attempt.finished_at = (
                NotificationAttempt.Status.FAILED, "no address on file", message["now"]
            )
        else:
            attempt.outbox_message_id = queued.pk
    attempt.save(force_insert=True)


def _new(
    subject: DataSubject,
    preferred: list[str] | None,
    *,
    template: str,
    context: dict[str, Any],
    topic: str,
    dedupe_key: str,
    now: datetime,
) -> Notification:
    return Notification(
        subject_id=subject.pk,  # by id: the relation's setter asks the router on each of a sweep's 10,000
        topic=topic,
        template=template,
        context=json.dumps(context, cls=DjangoJSONEncoder, sort_keys=True),
        language=language_for_subject(subject),
        dedupe_key=dedupe_key,
        channels=channels_for(subject, preferred),
        created_at=now,
    )


def notify(
    *,
    subject: DataSubject,
    template: str,
    context: dict[str, Any],
    topic: str,
    dedupe_key: str,
    dispatch: bool = False,
    now: datetime | None = None,
) -> Notification:
    """Send one message to a customer on their preferred channels (caller's transaction).

    `template` names `<template>_subject.txt` and `<template>.txt` (and optionally `.html`), rendered in
    the customer's language on delivery (the SMS is the subject line and, for a message with a
    `context["link"]`, not the link but where to read it once signed in); `context` is JSON (keys
    ending in `_at` are revived as datetimes). The same `dedupe_key` is never sent twice.
    With `dispatch`, a delivery task is sent on commit; otherwise the every-minute outbox sweep sends it.
    """
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        preferences = NotificationPreference.objects.filter(subject_id=subject.pk)
        preferred = preferences.values_list("channels", flat=True).first()
        notification = _new(
            subject, preferred, template=template, context=context, topic=topic, dedupe_key=dedupe_key,
            now=now,
        )
        message, attempt = _start(notification, subject, 0, now=now)
        notification.save(force_insert=True)
        _queue(message, attempt, dispatch=dispatch)
    return notification


def notify_many(
    subjects: Iterable[DataSubject],
    *,
    template: str,
    context: dict[str, Any] | Callable[[str], dict[str, Any]],
    topic: str,
    dedupe_prefix: str,
    now: datetime,
) -> int:
    """Send the same notice to a chunk of customers (caller's transaction), each on their channels and
    in their language; `<dedupe_prefix>:<subject id>` keeps each customer told once. `context` may be a
    function of the language. Returns how many were new.

    The subjects need `email`, `phone` and `preferred_language` loaded."""
    return notify_each(
        [
            {
                "subject": subject,
                "template": template,
                "context": context(language_for_subject(subject)) if callable(context) else context,
                "topic": topic,
                "dedupe_key": f"{dedupe_prefix}:{subject.pk}",
                "now": now,
            }
            for subject in subjects
        ]
    )


def notify_each(messages: list[dict[str, Any]]) -> int:
    """`notify` for many messages at once (caller's transaction), in a few set-based queries whatever
    their number: each a dict of `notify`'s arguments. Returns how many were new."""
    keys = [m["dedupe_key"] for m in messages]
    sent = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fresh = [m for m in messages if m["dedupe_key"] not in sent]
    if not fresh:
        return 0
    preferences = dict(
        NotificationPreference.objects.filter(subject_id__in=[m["subject"].pk for m in fresh]).values_list(
            "subject_id", "channels"
        )
    )
    notifications, outbox, attempts = [], [], []
    for message in fresh:
        subject = message["subject"]
        notification = _new(
            subject,
            preferences.get(subject.pk),
            template=message["template"],
            context=message["context"],
            topic=message["topic"],
            dedupe_key=message["dedupe_key"],
            now=message["now"],
        )
        spec, attempt = _start(notification, subject, 0, now=message["now"])
        notifications.append(notification)
        attempts.append(attempt)
        if spec is not None:
            queued = email_message(**spec)
            attempt.outbox_message_id = queued.pk
            outbox.append(queued)
    with transaction.atomic(savepoint=False):
        bulk_insert(notifications)
        outbox_enqueue_email_batch(outbox)
        bulk_insert(attempts)
    return len(notifications)


def notification_follow_outbox(*, message: OutboxMessage, error: str, now: datetime, **kwargs: Any) -> None:
    """Record what the outbox did with a notification's message (inside its transaction, the message
    locked): delivered; or, after `NOTIFY_FALLBACK_AFTER_ATTEMPTS` failures, stop that channel and queue
    the customer's next outside channel. When only the inbox is left, the outbox keeps retrying with its
    full backoff (the inbox shows the message meanwhile) and the inbox takes over once it parks it. A
    delivery the gateway accepted while the customer's erasure ended the attempt is recorded all the
    same: the message was sent."""
    attempt = NotificationAttempt.objects.filter(outbox_message_id=message.pk).first()
    erased_meanwhile = attempt is not None and attempt.status == NotificationAttempt.Status.FAILED and (
        attempt.error == ERASED
    )
    if attempt is None or not (attempt.status == NotificationAttempt.Status.PENDING or erased_meanwhile):
        return
    notification = Notification.objects.select_for_update().get(pk=attempt.notification_id)
    if not error:
        attempt.error = ""
        _finish(attempt, NotificationAttempt.Status.DELIVERED, now=now)
        notification.status = Notification.Status.DELIVERED
        notification.channel = attempt.channel
        notification.delivered_at = now
        notification.save(update_fields=["status", "channel", "delivered_at"])
        return
    if erased_meanwhile:
        return
    attempt.error = error[:200]
    index = notification.channels.index(attempt.channel)
    parked = message.status == OutboxMessage.Status.PARKED
    following = notification.channels[index + 1] if index + 1 < len(notification.channels) else None
    if following is not None and (
        parked or (following != Channel.INBOX and message.attempts >= settings.NOTIFY_FALLBACK_AFTER_ATTEMPTS)
    ):
        _finish(attempt, NotificationAttempt.Status.FAILED, now=now)
        outbox_cancel(message, reason=f"{FELL_BACK}: {error}")
        subject = DataSubject.objects.get(pk=notification.subject_id)
        next_message, next_attempt = _start(notification, subject, index + 1, now=now)
        notification.save(update_fields=["channel", "status", "delivered_at"])
        # Through the outbox again, with its own retries; sent at once, as the customer is waiting.
        _queue(next_message, next_attempt, dispatch=True)
    elif parked:
        _finish(attempt, NotificationAttempt.Status.FAILED, now=now)
        notification.status = Notification.Status.FAILED
        notification.save(update_fields=["status"])
    else:
        attempt.save(update_fields=["error"])


def _finish(attempt: NotificationAttempt, status: str, *, now: datetime) -> None:
    attempt.status = status
    attempt.finished_at = now
    attempt.save(update_fields=["status", "finished_at", "error"])


def notification_preference_set(
    *, actor: Actor, subject: DataSubject, channels: list[str], now: datetime | None = None
) -> NotificationPreference:
    """The customer's channels, in the order to try them; audited (channel codes only). The same choice
    sent again (a second click, a resubmitted page) writes nothing and adds no audit entry."""
    now = now or timezone.now()
    if not channels or any(c not in Channel.values for c in channels) or len(set(channels)) != len(channels):
        raise InvalidInput(_("Choose the channels from e-mail, SMS and the in-app inbox."), field="channels")
    with transaction.atomic(durable=True):
        preference, created = NotificationPreference.objects.select_for_update().get_or_create(
            subject=subject
        )
        old = list(preference.channels)
        if not created and old == list(channels):
            return preference
        preference.channels = list(channels)
        preference.save()
        audit_record(
            action="notifications.preference.changed",
            actor=actor,
            subject=subject,
            target=preference,
            data={"old": old, "new": list(channels)},
            now=now,
        )
    return preference


def notifications_erase(*, subject_id, now: datetime | None = None) -> int:
    """Forget what the customer's messages said (they may quote erased data) in the erasure's transaction;
    the record of what was sent, on which channel and when, stays. A message still being sent ends
    there, failed for the erasure (its outbox e-mail or SMS is cancelled with it, `outbox_erase`): no
    later failure of that delivery moves it on or queues another channel, while a later acceptance by
    the gateway is recorded as delivered (`notification_follow_outbox`). One whose outbox message was
    already sent, its outcome not yet recorded, is delivered, when the outbox sent it."""
    now = now or timezone.now()
    theirs = Notification.objects.filter(subject_id=subject_id)
    pending = NotificationAttempt.objects.filter(
        notification__in=theirs, status=NotificationAttempt.Status.PENDING
    )
    sent = OutboxMessage.objects.filter(pk=OuterRef("outbox_message_id"), status=OutboxMessage.Status.SENT)
    sent_at = Subquery(sent.values("sent_at")[:1])
    delivered = pending.annotate(sent_at=sent_at).filter(sent_at__isnull=False)
    theirs.filter(pk__in=delivered.values("notification_id")).update(
        status=Notification.Status.DELIVERED,
        delivered_at=Subquery(delivered.filter(notification_id=OuterRef("pk")).values("sent_at")[:1]),
    )
    delivered.update(status=NotificationAttempt.Status.DELIVERED, finished_at=sent_at)
    pending.update(status=NotificationAttempt.Status.FAILED, error=ERASED, finished_at=now)
    theirs.filter(status=Notification.Status.PENDING).update(status=Notification.Status.FAILED)
    # Counts what went: a second erasure (when a hold ends) counts only messages written since.
    return encrypted_update(theirs, "context", value="{}", where=lambda context: context != "{}")


def notification_mark_read(
    *, subject: DataSubject, notification_id=None, now: datetime | None = None
) -> int:
    """Mark one of the customer's messages (or, with no id, all of them) read; how many changed."""
    now = now or timezone.now()
    unread = Notification.objects.filter(subject=subject, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now)


# ---------------------------------------------------------------------------- the old contact is told

CONTACT_FIELDS = {"phone": OutboxMessage.Kind.SMS, "email": OutboxMessage.Kind.EMAIL}
CONTACT_CHANGED_TEMPLATE = "notifications/email/contact_changed"


def contact_changed_notify(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], before: Mapping[str, Any], now: datetime,
    source: str = "",
) -> None:
    """After a rectification (`subjects.follow_ups`), in its transaction, whoever made it (the customer
    in self-service, staff, an integration client, a rectification request answered): tell the old
    phone or e-mail that it was replaced, as banks do, so that a session thief or an insider who
    switches the contact is noticed. Straight to the old contact, not by the customer's preferences
    (the new contact may be the thief's); the message names only the new contact, masked, in the
    customer's language. Nothing is sent where there was no contact; `changed` holds real changes only
    (the values compared once normalised), so the same contact written differently tells nobody.
    Queued in the outbox in the rectification's transaction: nothing leaves if it rolls back."""
    for field in sorted(changed & CONTACT_FIELDS.keys()):
        old = before[field]
        if not old:
            continue
        outbox_enqueue_email(
            kind=CONTACT_FIELDS[field],
            to=old,
            template=CONTACT_CHANGED_TEMPLATE,
            context={
                "field": field,
                "masked": personal_value_masked(field, getattr(subject, field)),
                "changed_at": now,
            },
            topic=f"notifications.contact_changed.{field}",
            dedupe_key=f"notifications.contact_changed:{subject.pk}:{field}:{now.isoformat()}",
            subject_id=subject.pk,
            language=language_for_subject(subject),
            now=now,
        )
