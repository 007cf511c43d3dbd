"""What the integration client that submitted a request (e.g. the mobile app) is told by webhook: each
move of its status (`dsr.request.status_changed`) and the one-time extension of its deadlines
(`dsr.request.deadline_extended`), each queued in the caller's transaction and delivered once it commits
(docs/requests.md). Each carries the request's dates as the REST answers write them."""

from __future__ import annotations

from datetime import datetime

from core.moments import local_iso
from dsr.models import Channel, DataSubjectRequest, RequestStatusChange
from integrations.models import WebhookEndpoint
from integrations.outbox import outbox_enqueue_webhook

STATUS_TOPIC = "dsr.request.status_changed"
EXTENDED_TOPIC = "dsr.request.deadline_extended"


def status_change_sequence(change: RequestStatusChange) -> int:
    """The change's place in its request's history, 1 for the receipt. A receiver orders a request's
    notices by it: two moves of one transaction (verifying identity on a request still received) share
    their `at`, and each notice is delivered, and retried, on its own. Moves are written under the
    request's row lock (`request_locked`), so the ids of one request's history rows grow in the order of
    its moves."""
    return RequestStatusChange.objects.filter(request_id=change.request_id, pk__lte=change.pk).count()


def notify_requesting_client(request: DataSubjectRequest, change: RequestStatusChange) -> None:
    """Tell the submitting client of a move of the request's status."""
    endpoints = _client_endpoints(request, STATUS_TOPIC)
    if not endpoints:
        return
    payload = {
        "from": change.old_status,
        "to": change.new_status,
        "reason": change.reason,
        "at": change.at.isoformat(),
        "sequence": status_change_sequence(change),
    }
    _enqueue(request, endpoints, STATUS_TOPIC, payload, key=f"dsr.status:{change.pk}", now=change.at)


def notify_requesting_client_extended(request: DataSubjectRequest, *, now: datetime) -> None:
    """Tell the submitting client that the request's deadline was extended, with its new dates: the
    status does not move, so no status notice says it."""
    endpoints = _client_endpoints(request, EXTENDED_TOPIC)
    if endpoints:
        payload = {"at": now.isoformat()}
        _enqueue(request, endpoints, EXTENDED_TOPIC, payload, key=f"dsr.extended:{request.pk}", now=now)


def _client_endpoints(request: DataSubjectRequest, topic: str) -> list[WebhookEndpoint]:
    if request.created_by_id is None or request.channel != Channel.API:
        return []
    endpoints = WebhookEndpoint.objects.filter(client_id=request.created_by_id, active=True)
    return [endpoint for endpoint in endpoints if endpoint.wants(topic)]


def _enqueue(request, endpoints, topic: str, payload: dict, *, key: str, now: datetime) -> None:
    dated = {
        "request": str(request.pk),
        "type": request.type,
        **payload,
        "due_at": request.due_at.isoformat(),
        "answer_by": local_iso(request.answer_by),
        "statutory_due_at": local_iso(request.statutory_due_at),
    }
    for endpoint in endpoints:
        outbox_enqueue_webhook(
            endpoint=endpoint,
            topic=topic,
            payload=dated,
            dedupe_key=f"{key}:endpoint:{endpoint.pk}",
            subject_id=request.subject_id,
            now=now,
        )
