"""Need to know for webhooks: which purposes each integration client hears of.

A client's tokens may name the purposes it serves (`purpose:<code>` scopes, `ApiToken.purposes_served`;
the API side is `consents.api.served`). Its webhook endpoints hear of the same purposes and no other: a
marketing platform whose tokens serve marketing is not told by webhook of a customer's biometric consent,
a restriction or an erasure under another purpose. A notice naming a purpose (`purpose`) the client does
not serve is not sent to it; one naming several (`purposes`) is sent naming only those it serves, or not
at all. A notice naming no purpose goes as before.

A client serves every purpose when one of its live tokens names none; otherwise the union of its live
tokens' purposes. Live is what the API takes (`ApiToken.live`): neither revoked nor past its last day. A
client with no live token (suspended, between a revoked or expired key and its successor) keeps the limit
it was last given, its latest token's: revoking a marketing platform's only key, or letting it lapse, must
not widen its webhooks to every purpose. Only a client never given a token serves every purpose. The tokens
of all the clients a fan-out reaches are read in one query (`PurposeAudience.of_endpoints`), not once
per endpoint.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from integrations.models import ApiToken, WebhookEndpoint

# The payload keys that name the purposes a notice is about.
PURPOSE_KEY = "purpose"
PURPOSES_KEY = "purposes"


def clients_purposes_served(client_ids: Iterable[int]) -> dict[int, frozenset[str] | None]:
    """The purpose codes each client serves, by client id, None for every purpose: one query."""
    ids = set(client_ids)
    limited: dict[int, frozenset[str]] = {}
    unlimited: set[int] = set()
    # Without a live token, the latest ended (revoked or expired) one: the tokens come newest first.
    latest_ended: dict[int, frozenset[str] | None] = {}
    now = timezone.now()
    tokens = ApiToken.objects.filter(user_id__in=ids).order_by("-created_at", "-pk")
    fields = ("user_id", "scopes", "revoked_at", "expires_at")
    for user_id, scopes, revoked_at, expires_at in tokens.values_list(*fields):
        token = ApiToken(scopes=scopes, revoked_at=revoked_at, expires_at=expires_at)
        served = token.purposes_served()
        if not token.live(now):
            latest_ended.setdefault(user_id, served)
        elif served is None:
            unlimited.add(user_id)
        else:
            limited[user_id] = limited.get(user_id, frozenset()) | served
    return {
        pk: None if pk in unlimited else limited[pk] if pk in limited else latest_ended.get(pk)
        for pk in ids
    }


def purposes_served(request) -> frozenset[str] | None:
    """The purpose codes the caller's token is limited to, or None (every purpose; a browser session)."""
    auth = getattr(request, "auth", None)
    return auth.purposes_served() if isinstance(auth, ApiToken) else None


def is_processor(request) -> bool:
    """Whether an API call comes with a token serving some purposes only: a processor acting for the bank
    on them (a marketing agency, a card processor), which reads no more than those purposes need (Law
    91/2025); not the bank's own systems (a token naming no purpose), its staff nor a customer."""
    return purposes_served(request) is not None


def names_a_purpose(payload: Mapping[str, Any]) -> bool:
    return payload.get(PURPOSE_KEY) is not None or PURPOSES_KEY in payload


@dataclass(frozen=True)
class PurposeAudience:
    """The purposes served by the clients of the endpoints a fan-out may notify, read once."""

    served: Mapping[int, frozenset[str] | None]

    @classmethod
    def of_endpoints(cls, endpoints: Iterable[WebhookEndpoint | None]) -> PurposeAudience:
        return cls(clients_purposes_served({e.client_id for e in endpoints if e is not None}))

    def notice_for(self, endpoint: WebhookEndpoint, payload: dict[str, Any]) -> dict[str, Any] | None:
        """`payload` as the endpoint's client may read it: narrowed to the purposes it serves, or None
        when it serves none the notice names. An endpoint this audience was not read for is refused
        (no notice) rather than told: a fan-out must read every client it notifies."""
        if not names_a_purpose(payload):
            return payload
        if endpoint.client_id not in self.served:
            return None
        served = self.served[endpoint.client_id]
        if served is None:
            return payload
        purpose = payload.get(PURPOSE_KEY)
        if purpose is not None and purpose not in served:
            return None
        if PURPOSES_KEY not in payload:
            return payload
        kept = [code for code in payload[PURPOSES_KEY] if code in served]
        return {**payload, PURPOSES_KEY: kept} if kept else None
