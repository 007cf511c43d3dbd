"""Webhook endpoints as the DPO manages them: register, change, rotate the secret, send a test
notice, redeliver a notice. Every change is one durable transaction with its audit entry.

The signing secret is shown once (returned by `webhook_endpoint_create` and
`webhook_endpoint_secret_rotate`) and stored encrypted. A rotation keeps the old secret signing a
second header for `WEBHOOK_SECRET_GRACE`, so the receiver can switch without losing notices. A second
rotation within that period replaces the secret the first one issued (lost, or shown to the wrong person)
and keeps the first old secret signing until the end of its grace: a receiver that had not switched yet
goes on verifying notices, and the grace it was promised neither shortens nor grows.
"""
from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound
from core.roles import Role, user_role
from integrations.addresses import private_addresses
from integrations.models import OutboxMessage, WebhookEndpoint
from integrations.outbox import outbox_enqueue_webhook, outbox_rearm, outbox_resume_endpoint
from integrations.recipients import recipient_directory

WEBHOOK_SECRET_GRACE = timedelta(hours=24)
TEST_TOPIC = "webhook.test"
_TOPIC = re.compile(r"^[a-z0-9_.-]{1,100}$")
_UNSET = object()


@dataclass(frozen=True)
class EndpointChange:
    """What `webhook_endpoint_update` may change; fields left unset stay as they are."""

    name: object = _UNSET
    url: object = _UNSET
    events: object = _UNSET
    active: object = _UNSET
    recipient: object = _UNSET


def webhook_url_check(url: str, *, field: str = "url") -> str:
    """The address a webhook may be sent to, cleaned; 400 on `field` otherwise. https only, except in
    the demo (`DEMO`), whose receivers run on the same machine; and only to a receiver on the internet
    (`integrations.addresses`: no IP literal or name leading to this machine or a private network).
    Every webhook address goes through it: the DPO's endpoints and a third party's at registration."""
    schemes = ["https", "http"] if settings.DEMO else ["https"]
    url = (url or "").strip()
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError:
        message = (
            _("Give the endpoint's full address (http:// or https://).")
            if settings.DEMO
            else _("Give the endpoint's full address; it must start with https://.")
        )
        raise InvalidInput(message, field=field) from None
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidInput(
            _("The port in this address is not a number from 1 to 65535."), field=field
        ) from None
    if private_addresses(parts.hostname or "", port):
        raise InvalidInput(
            _("Webhooks go only to receivers on the internet: “%(host)s” leads to this machine or to a "
              "private network."),
            field=field, host=parts.hostname,
        )
    return url


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Give the endpoint a name."), field="name")
    return name[:100]


def _events(events) -> list[str]:
    topics = sorted({str(topic).strip() for topic in events or [] if str(topic).strip()})
    if not all(_TOPIC.match(topic) for topic in topics):
        raise InvalidInput(_("Event names are lower-case words joined by dots, e.g. consent.withdrawn."),
                           field="events")
    return topics


def _client(client):
    if client is None or not client.is_active or user_role(client) != Role.CLIENT:
        raise InvalidInput(_("Choose an active integration client."), field="client")
    return client


def webhook_endpoint_create(
    *, actor: Actor, client, name: str, url: str, events=(), recipient: int | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret, which is never shown again."""
    secret = secrets.token_urlsafe(32)
    fields = {"client": _client(client), "name": _name(name), "url": webhook_url_check(url),
              "events": _events(events)}
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.create(secret=secret, **fields)
        if recipient is not None:
            recipient_directory().link(endpoint=endpoint, recipient_id=recipient)
        audit_record(
            action="integrations.webhook.created", actor=actor, target=endpoint,
            data={"client": client.pk, "host": _host(endpoint.url), "events": endpoint.events,
                  "recipient": recipient},
        )
    return endpoint, secret


def webhook_endpoint_update(
    *, actor: Actor, endpoint: WebhookEndpoint, change: EndpointChange
) -> WebhookEndpoint:
    """Change the name, address, events, active flag or served recipient; audited with old and new.
    Switching the endpoint on again sends the webhooks that waited for it (`outbox_resume_endpoint`)."""
    new = {}
    if change.name is not _UNSET:
        new["name"] = _name(change.name)
    if change.url is not _UNSET:
        new["url"] = webhook_url_check(change.url)
    if change.events is not _UNSET:
        new["events"] = _events(change.events)
    if change.active is not _UNSET:
        new["active"] = bool(change.active)
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changed = {field: value for field, value in new.items() if getattr(endpoint, field) != value}
        old = {field: getattr(endpoint, field) for field in changed}
        for field, value in changed.items():
            setattr(endpoint, field, value)
        if changed:
            endpoint.save(update_fields=list(changed))
        if change.recipient is not _UNSET:
            # Which recipient the endpoint served until now is the proof of who received its notices.
            previous = recipient_directory().link(endpoint=endpoint, recipient_id=change.recipient)
            if previous != change.recipient:
                old["recipient"] = previous
                changed["recipient"] = change.recipient
        data = {"old": old, "new": changed}
        if changed.get("active") is True:
            data["resumed"] = outbox_resume_endpoint(endpoint, now=timezone.now())
        if changed:
            # Addresses are audited by host only: a path may carry a receiver's token.
            for values in (old, changed):
                if "url" in values:
                    values["url"] = _host(values["url"])
            audit_record(action="integrations.webhook.updated", actor=actor, target=endpoint, data=data)
    return endpoint


def webhook_endpoint_secret_rotate(
    *, actor: Actor, endpoint: WebhookEndpoint, now: datetime | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (returned once); the old one keeps signing a second header until
    `previous_secret_until`, so the receiver may switch at its own pace within the grace period. Within
    that period the old secret and its grace stay those of the first rotation: the secret replaced now
    was the rotation's own, and dropping the old one at once would have the receivers still on it reject
    every notice."""
    now = now or timezone.now()
    secret = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        within_grace = bool(endpoint.previous_secret_at(now))
        if not within_grace:
            endpoint.previous_secret = endpoint.secret
            endpoint.previous_secret_until = now + WEBHOOK_SECRET_GRACE
        endpoint.secret = secret
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        audit_record(action="integrations.webhook.secret_rotated", actor=actor, target=endpoint, now=now,
                     data={"previous_valid_until": endpoint.previous_secret_until.isoformat(),
                           "within_grace": within_grace})
    return endpoint, secret


def webhook_endpoint_test(
    *, actor: Actor, endpoint: WebhookEndpoint, now: datetime | None = None
) -> OutboxMessage:
    """Queue a signed test notice to the endpoint (it appears in the delivery log like any other)."""
    now = now or timezone.now()
    if not endpoint.active:
        raise Conflict(_("The endpoint is switched off; switch it on to send a test notice."),
                       code="endpoint_inactive")
    delivery = uuid.uuid4()
    with transaction.atomic(durable=True):
        message = outbox_enqueue_webhook(
            endpoint=endpoint, topic=TEST_TOPIC, dedupe_key=f"webhook-test:{delivery}", now=now,
            payload={"event": TEST_TOPIC, "endpoint": endpoint.pk, "test": str(delivery), "sent_at": now},
        )
        audit_record(action="integrations.webhook.test_sent", actor=actor, target=endpoint, now=now,
                     data={"message": str(message.pk)})
    return message


def webhook_delivery_redeliver(
    *, actor: Actor, endpoint: WebhookEndpoint, message_id, now: datetime | None = None
) -> OutboxMessage:
    """Send a notice of this endpoint again, sent or parked: the same id and body, a fresh timestamp and
    signature, a fresh round of attempts (the DPO's "redeliver", audited). A notice the platform
    cancelled is refused (409 `notice_cancelled`): it was cancelled because it no longer held (a stop
    whose restriction was lifted first, a duty its recipient confirmed before the notice reached it), and
    sent now it would tell the recipient to stop again, or reopen what it closed."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        message = OutboxMessage.objects.select_for_update().filter(
            pk=message_id, endpoint=endpoint, kind=OutboxMessage.Kind.WEBHOOK
        ).first()
        if message is None:
            raise NotFound()
        if not message.redeliverable:
            raise Conflict(
                _("This notice was cancelled because it no longer applied (its recipient confirmed first, or "
                  "what it announced was undone): it is not sent again."),
                code="notice_cancelled",
            )
        previous = message.status
        outbox_rearm(message, now=now)
        audit_record(action="integrations.webhook.redelivered", actor=actor, subject=message.subject_id,
                     target=endpoint, now=now,
                     data={"message": str(message.pk), "topic": message.topic, "was": previous})
    return message


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]
