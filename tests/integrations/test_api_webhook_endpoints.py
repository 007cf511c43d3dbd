"""Webhook endpoints as a product feature (issue #19): the DPO registers, changes, rotates, tests and
redelivers through `webhook-endpoints/`; every change is audited; the secret is shown once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Recipient
from core.roles import Role
from integrations.delivery import PREVIOUS_SIGNATURE_HEADER, SIGNATURE_HEADER, outbox_deliver, sign
from integrations.models import OutboxMessage, WebhookEndpoint
from integrations.webhooks import WEBHOOK_SECRET_GRACE
from tests.consents.factories import make_recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corebank(db):
    return UserFactory(username="corebank_hooks", role=Role.CLIENT)


def _register(api, client_user, **extra):
    body = {"name": "Bảo hiểm", "url": "https://hooks.partner.example/qdl", "client": client_user.username,
            "events": ["consent.withdrawn"], **extra}
    return api.post("/api/v1/webhook-endpoints/", body, format="json")


@pytest.fixture
def sent(monkeypatch):
    """Deliveries the platform made: (url, body, headers), answered with `sent.status`."""
    calls = []

    def send(url, body, headers):
        calls.append((url, body, headers))
        return send.status

    send.status = 200
    send.calls = calls
    monkeypatch.setattr("integrations.delivery._send", send)
    return send


def test_the_dpo_registers_an_endpoint_for_a_recipient_and_sees_the_secret_once(as_user, dpo, corebank):
    recipient = make_recipient("Partner Insurance")
    api = as_user(dpo)
    created = _register(api, corebank, recipient=recipient.pk)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert len(body["secret"]) >= 32
    assert body["recipient"] == {"id": recipient.pk, "name": "Partner Insurance"}
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.secret == body["secret"]
    assert Recipient.objects.get(pk=recipient.pk).endpoint_id == endpoint.pk
    shown = api.get(f"/api/v1/webhook-endpoints/{endpoint.pk}/").json()
    assert "secret" not in shown and shown["events"] == ["consent.withdrawn"]
    assert [e["id"] for e in api.get("/api/v1/webhook-endpoints/").json()["results"]] == [endpoint.pk]
    entry = AuditEntry.objects.get(action="integrations.webhook.created")
    assert body["secret"] not in str(entry.data) and entry.data["host"] == "hooks.partner.example"


def test_plain_http_only_in_the_demo(as_user, dpo, corebank, settings):
    settings.DEMO = False
    refused = _register(as_user(dpo), corebank, url="http://hooks.partner.example/qdl")
    assert refused.status_code == 400 and "url" in refused.json()
    settings.DEMO = True
    assert _register(as_user(dpo), corebank, url="http://127.0.0.1:8141/hook").status_code == 201


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PRIVACY, Role.AUDITOR])
def test_only_the_dpo_manages_endpoints(as_user, corebank, role):
    api = as_user(UserFactory(role=role))
    assert _register(api, corebank).status_code == 403
    assert api.get("/api/v1/webhook-endpoints/").status_code == 403


def test_changes_are_audited_with_old_and_new(as_user, dpo, corebank):
    api = as_user(dpo)
    pk = _register(api, corebank).json()["id"]
    changed = api.patch(f"/api/v1/webhook-endpoints/{pk}/", {"events": [], "active": False}, format="json")

    assert changed.status_code == 200 and changed.json()["active"] is False
    entry = AuditEntry.objects.get(action="integrations.webhook.updated")
    assert entry.data["old"] == {"events": ["consent.withdrawn"], "active": True}
    assert entry.data["new"] == {"events": [], "active": False}


def test_rotation_signs_with_both_secrets_during_the_grace_period(as_user, dpo, corebank, sent):
    api = as_user(dpo)
    created = _register(api, corebank).json()
    rotated = api.post(f"/api/v1/webhook-endpoints/{created['id']}/rotate-secret/")
    assert rotated.status_code == 200
    old, new = created["secret"], rotated.json()["secret"]
    assert old != new and rotated.json()["previous_secret_valid_until"]
    assert AuditEntry.objects.filter(action="integrations.webhook.secret_rotated").count() == 1

    test = api.post(f"/api/v1/webhook-endpoints/{created['id']}/test/")
    assert test.status_code == 202
    outbox_deliver(test.json()["id"])
    _url, body, headers = sent.calls[-1]
    timestamp = headers["X-QDL-Timestamp"]
    assert headers[SIGNATURE_HEADER] == "sha256=" + sign(new, timestamp, body)
    assert headers[PREVIOUS_SIGNATURE_HEADER] == "sha256=" + sign(old, timestamp, body)

    later = timezone.now() + WEBHOOK_SECRET_GRACE + timedelta(minutes=1)
    api.post(f"/api/v1/webhook-endpoints/{created['id']}/deliveries/{test.json()['id']}/redeliver/")
    outbox_deliver(test.json()["id"], now=later)
    _url, again, headers = sent.calls[-1]
    assert again == body and headers["X-QDL-Delivery"] == test.json()["id"]
    assert PREVIOUS_SIGNATURE_HEADER not in headers


def test_the_delivery_log_shows_attempts_and_redeliver_starts_again(as_user, dpo, corebank, sent):
    api = as_user(dpo)
    pk = _register(api, corebank).json()["id"]
    message_id = api.post(f"/api/v1/webhook-endpoints/{pk}/test/").json()["id"]
    sent.status = 500
    outbox_deliver(message_id)

    log = api.get(f"/api/v1/webhook-endpoints/{pk}/deliveries/").json()
    assert [(d["id"], d["status"], d["attempts"], d["last_error"]) for d in log] == [
        (message_id, "pending", 1, "HTTP 500")
    ]
    assert log[0]["next_attempt_at"]
    OutboxMessage.objects.filter(pk=message_id).update(status="parked")

    redelivered = api.post(f"/api/v1/webhook-endpoints/{pk}/deliveries/{message_id}/redeliver/")
    assert redelivered.status_code == 202
    assert (redelivered.json()["status"], redelivered.json()["attempts"]) == ("pending", 0)
    entry = AuditEntry.objects.get(action="integrations.webhook.redelivered")
    assert entry.data["was"] == "parked"
    sent.status = 200
    outbox_deliver(message_id)
    assert OutboxMessage.objects.get(pk=message_id).status == "sent"
