"""Status webhooks to the client that submitted a request: a receiver that gets them out of order (each
is its own outbox row, delivered by its own task and retried on its own backoff) must be able to put
them back in order from what each notice carries: `sequence`, the move's place in the request's
history, since two moves of one transaction share their `at`."""
from __future__ import annotations

import json

import pytest

from dsr.models import DataSubjectRequest
from integrations.models import OutboxMessage
from tests.dsr.factories import by_document
from tests.factories import make_webhook

TOPIC = "dsr.request.status_changed"


def _order_key(notice: dict):
    # What a receiver can order by: the time of the move, then a per-request sequence if one is given.
    return (notice["at"], notice.get("sequence", 0))


def _sent() -> list[dict]:
    messages = OutboxMessage.objects.filter(topic=TOPIC).order_by("created_at", "pk")
    return [json.loads(m.payload) for m in messages]


def _submitted_by_a_client_with_a_webhook(api, client_user, subject) -> str:
    make_webhook(client_user, events=[TOPIC])
    created = api(client_user).post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "access"}, format="json"
    )
    assert created.status_code == 201
    return created.json()["id"]


@pytest.mark.django_db
def test_status_notices_of_one_request_can_be_put_back_in_order(
    as_user, client_user, privacy_officer, subject
):
    request_id = _submitted_by_a_client_with_a_webhook(as_user, client_user, subject)
    # Verifying a request still "received" moves it twice in one go: received -> verifying_identity
    # -> in_progress, and the client is told of each move.
    verified = as_user(privacy_officer).post(
        f"/api/v1/requests/{request_id}/verify-identity/", by_document(subject, visit=True), format="json"
    )
    assert verified.status_code == 200, verified.content
    assert DataSubjectRequest.objects.get(pk=request_id).status == "in_progress"

    sent = _sent()
    assert [n["to"] for n in sent][-2:] == ["verifying_identity", "in_progress"]

    # Each notice must carry an order of its own: no two notices of one request tie.
    assert len({_order_key(n) for n in sent}) == len(sent), [(n["to"], n["at"]) for n in sent]
    # Delivered in the reverse order (a retry of the older one arriving last), the receiver still ends
    # with the request's real state.
    latest = max(reversed(sent), key=_order_key)
    assert latest["to"] == "in_progress"


@pytest.mark.django_db
def test_the_sequence_is_the_moves_place_in_the_requests_history(
    as_user, client_user, privacy_officer, subject
):
    request_id = _submitted_by_a_client_with_a_webhook(as_user, client_user, subject)
    staff = as_user(privacy_officer)
    assert staff.post(f"/api/v1/requests/{request_id}/acknowledge/").status_code == 200
    verify_url = f"/api/v1/requests/{request_id}/verify-identity/"
    staff.post(verify_url, by_document(subject, visit=True), format="json")

    sent = sorted(_sent(), key=lambda notice: notice["sequence"])
    assert [(n["sequence"], n["from"], n["to"]) for n in sent] == [
        (1, "", "received"),
        (2, "received", "verifying_identity"),
        (3, "verifying_identity", "in_progress"),
    ]
    history = DataSubjectRequest.objects.get(pk=request_id).status_changes.order_by("pk")
    assert [change.new_status for change in history] == [n["to"] for n in sent]
