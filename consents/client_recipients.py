"""Which registered recipients an integration client answers for, kept per worker for the consent check.

A recipient's own client (a marketing agency, a card printer) asks the check before it processes; the
answer depends on whether the purpose names that recipient (`consents.selectors.rule.decide`). The check
runs before every send, so each worker keeps the few client-to-recipient links for `TTL_SECONDS`, as the
purpose catalogue does (`consents.catalogue`); the services that link a client drop the copy at once
in this process and again on commit. Other workers see a change within `TTL_SECONDS`.
"""

from __future__ import annotations

from consents.models import Recipient
from core.worker_cache import WorkerCache

TTL_SECONDS = 5.0


def _load() -> dict[int, frozenset[int]]:
    linked: dict[int, set[int]] = {}
    links = Recipient.objects.filter(client__isnull=False).values_list("client_id", "pk")
    for client_id, recipient_id in links:
        linked.setdefault(client_id, set()).add(recipient_id)
    return {client_id: frozenset(ids) for client_id, ids in linked.items()}


client_links_cache: WorkerCache[dict[int, frozenset[int]]] = WorkerCache(_load, ttl_seconds=TTL_SECONDS)


def client_recipient_ids(client_user_id: int) -> frozenset[int] | None:
    """The recipients this integration client answers for, or None when it answers for none (the bank's
    own systems: core banking, the app), whose check is the customer's answer alone."""
    return client_links_cache.get().get(client_user_id)


def client_recipients_invalidate() -> None:
    """Drop this worker's copy now and again on commit (a recipient linked to a client)."""
    client_links_cache.invalidate()
