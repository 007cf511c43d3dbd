"""Telling people about authorisations: the customer by e-mail (a receipt on every change, the notice
before expiry, the 90-day summary) and the third party by a signed webhook. Queued through the outbox
in the caller's transaction; a customer without an e-mail address on file is not written to."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime

from accounts.languages import language_for_subject, per_language
from authorisations.deletions import deletion_under_way
from authorisations.models import Authorisation, AuthorisationEvent
from authorisations.scopes import DATA_SCOPES, scope_labels
from authorisations.states import AuthorisationStatus
from integrations.links import absolute_url_in
from integrations.outbox import (
    outbox_enqueue_email_batch,
    outbox_enqueue_webhook,
    webhook_message,
)
from notifications.models import Notification
from notifications.services import notify, notify_each

# The one topic third parties subscribe to (registry.py subscribes their endpoint to it).
WEBHOOK_TOPIC = "authorisations.authorisation.changed"


def _words() -> dict[str, dict[str, str]]:
    """The labels a customer's message quotes (statuses, events, scopes), in the active language:
    built once per language (`per_language`), not translated again for each of a sweep's messages."""
    return {
        "status": {status.value: str(status.label) for status in AuthorisationStatus},
        "event": {kind.value: str(kind.label) for kind in AuthorisationEvent.Kind},
        "scope": {row["code"]: row["label"] for row in scope_labels(DATA_SCOPES)},
    }


def _line(authorisation: Authorisation, words: dict[str, dict[str, str]]) -> dict:
    return {
        "third_party": authorisation.third_party.legal_name,
        # An unknown scope reads as its code, as `scope_labels` shows it.
        "scopes": [words["scope"].get(scope, scope) for scope in authorisation.scopes],
        "expires_at": authorisation.expires_at.isoformat(),
        # Once it has ended (revoked, expired, used), when: the customer reads that, not an end never reached.
        "ended_at": authorisation.ended_at.isoformat() if authorisation.ended_at else None,
        "status_label": words["status"][authorisation.status],
    }


def _my_authorisations_link(language: str) -> str:
    """The link to the customer's page of authorisations, in their language's URLs."""
    return absolute_url_in(language, "authorisations:me_list")


def _email_args(
    subject,
    *,
    template: str,
    context: dict,
    topic: str,
    key: str,
    now: datetime,
    link: Callable[[str], str] = _my_authorisations_link,
) -> dict:
    """The customer's message, for the notifier (which picks the channels)."""
    context = {**context, "link": link(language_for_subject(subject))}
    return {"subject": subject, "template": template, "context": context, "topic": topic,
            "dedupe_key": key, "now": now}


def _email(subject, *, template: str, context: dict, topic: str, key: str, now: datetime) -> Notification:
    return notify(**_email_args(subject, template=template, context=context, topic=topic, key=key, now=now))


def _change_notices(
    authorisation: Authorisation,
    event: AuthorisationEvent,
    *,
    now: datetime,
    link: Callable[[str], str] = _my_authorisations_link,
    words: Callable[[str], dict[str, dict[str, str]]] | None = None,
) -> tuple[dict | None, dict | None]:
    """For one event recorded `now`: the customer's receipt message and the webhook's arguments (None
    where none), both saying when the event took effect (an expiry: the end of the term, before `now`).
    `link` and `words` give the link and the labels in a language (a sweep passes them cached)."""
    language_words = (words or per_language(_words))(language_for_subject(authorisation.subject))
    email = _email_args(
        authorisation.subject,
        template="authorisations/email/receipt",
        context={
            **_line(authorisation, language_words),
            "event": event.kind,
            "event_label": language_words["event"][event.kind],
            "at": event.at.isoformat(),
            "reference": authorisation.pk.hex[:8].upper(),
        },
        topic=f"authorisations.customer.{event.kind}",
        key=f"authorisations.receipt:{event.pk}",
        now=now,
        link=link,
    )
    webhook = None
    endpoint = authorisation.third_party.webhook
    if endpoint is not None and endpoint.wants(WEBHOOK_TOPIC):
        webhook = {
            "endpoint": endpoint,
            "topic": WEBHOOK_TOPIC,
            "payload": {
                "authorisation": str(authorisation.pk),
                "event": event.kind,
                "status": event.new_status,
                "scopes": list(authorisation.scopes),
                "expires_at": authorisation.expires_at.isoformat(),
                "at": event.at.isoformat(),
                # A revocation by the customer's deletion request (verified, open): the third party must
                # delete what it read, not only stop reading (domain notes: a third party must delete).
                "erase_requested": _erase_requested(authorisation, event),
            },
            "dedupe_key": f"authorisations.webhook:{event.pk}",
            "subject_id": authorisation.subject_id,
            "now": now,
        }
    return email, webhook


def _erase_requested(authorisation: Authorisation, event: AuthorisationEvent) -> bool:
    """Whether this event is a revocation made while the customer's verified deletion is open: the
    deletion revokes every live authorisation at its verification (`dsr` registers the look-up)."""
    return event.kind == AuthorisationEvent.Kind.REVOKED and deletion_under_way(authorisation.subject_id)


def notify_change(authorisation: Authorisation, event: AuthorisationEvent, *, now: datetime) -> None:
    """The receipt e-mail to the customer and the webhook to the third party, for one event recorded `now`."""
    message, webhook = _change_notices(authorisation, event, now=now)
    notify(**message)
    if webhook is not None:
        outbox_enqueue_webhook(**webhook)


def notify_changes(changes: list[tuple[Authorisation, AuthorisationEvent]], *, now: datetime) -> int:
    """`notify_change` for many events at once (the expiry sweep): each customer's receipt through the
    notifier (their channels), the webhooks queued with one look-up and one insert and one outbox sweep
    dispatched on commit; returns how many webhooks were new."""
    messages, webhooks = [], []
    link = functools.cache(_my_authorisations_link)  # one URL look-up per language, not per message
    words = per_language(_words)
    for authorisation, event in changes:
        message, webhook = _change_notices(authorisation, event, now=now, link=link, words=words)
        messages.append(message)
        if webhook is not None:
            webhooks.append(webhook_message(**webhook))
    notify_each(messages)
    return outbox_enqueue_email_batch(webhooks) if webhooks else 0


def notify_expiring(authorisation: Authorisation, *, now: datetime) -> Notification:
    return _email(
        authorisation.subject,
        template="authorisations/email/expiring",
        context=_line(authorisation, per_language(_words)(language_for_subject(authorisation.subject))),
        topic="authorisations.customer.expiring",
        key=f"authorisations.expiring:{authorisation.pk}",
        now=now,
    )


def notify_summary(subject, authorisations: list[Authorisation], *, now: datetime) -> Notification:
    words = per_language(_words)(language_for_subject(subject))
    lines = [_line(a, words) for a in authorisations]
    return _email(
        subject,
        template="authorisations/email/summary",
        context={"authorisations": lines, "count": len(lines)},
        topic="authorisations.customer.summary",
        key=f"authorisations.summary:{subject.pk}:{now.date().isoformat()}",
        now=now,
    )
