"""Which registered recipients an integration client answers for, kept per worker for the consent check.

A recipient's own client (a marketing agency, a card printer) asks the check before it processes; the
answer depends on whether the purpose names that recipient (`consents.selectors.rule.decide`). The check
runs before every send, so each worker keeps the few client-to-recipient links for `TTL_SECONDS`, as the
purpose catalogue does (`consents.catalogue`); the services that link a client drop the copy at once
in this process and again on commit. Other workers see a change within `TTL_SECONDS`.
"""

from __future__ import annotations

import threading
import time

from django.db import transaction

from consents.models import Recipient

TTL_SECONDS = 5.0

_lock = threading.Lock()
_cache: dict[int, frozenset[int]] | None = None
_loaded_at = 0.0


def _load() -> dict[int, frozenset[int]]:
    linked: dict[int, set[int]] = {}
    links = Recipient.objects.filter(client__isnull=False).values_list("client_id", "pk")
    for client_id, recipient_id in links:
        linked.setdefault(client_id, set()).add(recipient_id)
    return {client_id: frozenset(ids) for client_id, ids in linked.items()}


def client_recipient_ids(client_user_id: int) -> frozenset[int] | None:
    """The recipients this integration client answers for, or None when it answers for none (the bank's
    own systems: core banking, the app), whose check is the customer's answer alone."""
    global _cache, _loaded_at
    cached = _cache
    if cached is None or time.monotonic() - _loaded_at >= TTL_SECONDS:
        with _lock:
            _cache, _loaded_at = _load(), time.monotonic()
            cached = _cache
    return cached.get(client_user_id)


def client_recipients_invalidate() -> None:
    """Drop this worker's copy now and again on commit (a recipient linked to a client)."""
    global _cache
    _cache = None
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_clear)


def _clear() -> None:
    global _cache
    _cache = None
