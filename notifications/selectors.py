"""Reads of customer notifications: the inbox, its unread count, a message's text, the chosen channels."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.template import TemplateDoesNotExist
from django.utils import translation

from core.access import subject_for_user
from core.plain_text import render_plain_text, render_subject_line
from core.roles import Role, user_role
from integrations.delivery import revive_context
from notifications.models import Notification, NotificationPreference

INBOX_LIMIT = 200
# The staff customer page shows the latest messages; the customer's inbox keeps them all.
STAFF_PANEL_LIMIT = 20


def inbox_for_subject(subject) -> QuerySet[Notification]:
    """The customer's own messages, newest first (every message sent to them, on whatever channel)."""
    return Notification.objects.filter(subject=subject).prefetch_related("attempts").order_by("-created_at")


def notifications_sent(subject) -> QuerySet[Notification]:
    """The record of every message sent to the customer, the oldest first: topic, channel, outcome and
    times, without what they said (not decrypted: it may quote the customer, and an erasure empties it)."""
    return Notification.objects.filter(subject=subject).defer("context").order_by("created_at")


def notification_in_inbox(subject, notification_id) -> bool:
    return inbox_for_subject(subject).filter(pk=notification_id).exists()


def unread_count(subject) -> int:
    return Notification.objects.filter(subject=subject, read_at__isnull=True).count()


def unread_count_for_user(user) -> int:
    """The number beside "Notifications" in the self-service menu (0 for anyone but a customer)."""
    if user_role(user) != Role.CUSTOMER:
        return 0
    subject = subject_for_user(user)
    return unread_count(subject) if subject is not None else 0


def preferred_channels(subject) -> list[str]:
    chosen = NotificationPreference.objects.filter(subject=subject).values_list("channels", flat=True).first()
    return list(chosen or settings.NOTIFY_DEFAULT_CHANNELS)


@dataclass(frozen=True)
class MessageText:
    title: str
    body: str
    language: str  # the language it was sent, and is shown, in


def notification_text(notification: Notification, *, with_body: bool = True) -> MessageText:
    """The message as the customer reads it in the inbox, rendered in the language it was sent in
    (the body left empty unless asked for)."""
    context = revive_context(json.loads(notification.context))
    language = notification.language or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            title = render_subject_line(f"{notification.template}_subject.txt", context)
            body = render_plain_text(f"{notification.template}.txt", context) if with_body else ""
        except TemplateDoesNotExist:
            title, body = notification.topic, ""
    return MessageText(title=title, body=body, language=language)


def sent_to_subject(subject, *, limit: int = STAFF_PANEL_LIMIT) -> list[dict]:
    """What the bank has told a customer, newest first, for staff answering "did you tell me?": each
    message's title as the customer read it (not its body, which may quote them), with the language it
    was sent in (the page marks it, as the inbox does), and every channel tried with its outcome, in the
    order tried."""
    messages = inbox_for_subject(subject)[:limit]
    return [
        {
            "notification": message,
            "text": notification_text(message, with_body=False),
            "attempts": sorted(message.attempts.all(), key=lambda attempt: attempt.created_at),
        }
        for message in messages
    ]
