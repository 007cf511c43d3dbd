"""A rotated signing secret keeps signing a second header for a grace period, so a receiver switches at
its own pace. Only one previous secret is kept: a second rotation within that period (the new secret was
not kept, or shown to the wrong person) used to make the first rotation's secret the "previous" one and
drop the old one at once, so a receiver that had not switched yet rejected every notice. Now the old
secret keeps signing until the end of the grace it was given, neither shortened nor lengthened, and the
secret the first rotation issued stops signing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor
from core.roles import Role
from integrations.delivery import PREVIOUS_SIGNATURE_HEADER, SIGNATURE_HEADER, outbox_deliver, sign
from integrations.models import WebhookEndpoint
from integrations.webhooks import WEBHOOK_SECRET_GRACE, webhook_endpoint_secret_rotate, webhook_endpoint_test
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DPO = Actor.system("tests-dpo")
FIRST = "first-secret-" + "x" * 32


@pytest.fixture
def endpoint():
    client = UserFactory(username="corebank_rotation", role=Role.CLIENT)
    return WebhookEndpoint.objects.create(
        name="Cards", url="https://cards.example/hook", client=client, secret=FIRST
    )


def test_a_second_rotation_within_the_grace_keeps_the_first_old_secret_signing(endpoint, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "integrations.delivery._send", lambda url, body, headers: sent.append((body, headers)) or 200
    )
    now = timezone.now()
    _endpoint, lost = webhook_endpoint_secret_rotate(actor=DPO, endpoint=endpoint, now=now)

    _endpoint, kept = webhook_endpoint_secret_rotate(
        actor=DPO, endpoint=endpoint, now=now + timedelta(hours=3)
    )

    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.previous_secret) == (kept, FIRST)
    assert endpoint.previous_secret_until == now + WEBHOOK_SECRET_GRACE
    message = webhook_endpoint_test(actor=DPO, endpoint=endpoint)
    outbox_deliver(message.pk, now=now + timedelta(hours=4))
    body, headers = sent[-1]
    stamp = headers["X-QDL-Timestamp"]
    assert headers[SIGNATURE_HEADER] == "sha256=" + sign(kept, stamp, body)
    assert headers[PREVIOUS_SIGNATURE_HEADER] == "sha256=" + sign(FIRST, stamp, body)
    assert "sha256=" + sign(lost, stamp, body) not in headers.values()
    entries = AuditEntry.objects.filter(action="integrations.webhook.secret_rotated").order_by("sequence")
    assert [e.data["within_grace"] for e in entries] == [False, True]


def test_after_the_grace_the_secret_in_use_becomes_the_previous_one(endpoint):
    now = timezone.now()
    _endpoint, second = webhook_endpoint_secret_rotate(actor=DPO, endpoint=endpoint, now=now)
    later = now + WEBHOOK_SECRET_GRACE + timedelta(seconds=1)

    _endpoint, third = webhook_endpoint_secret_rotate(actor=DPO, endpoint=endpoint, now=later)

    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.previous_secret) == (third, second)
    assert endpoint.previous_secret_until == later + WEBHOOK_SECRET_GRACE
