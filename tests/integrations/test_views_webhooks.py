"""The DPO's webhook-endpoint pages: register (the secret shown once), change, test, rotate, the
delivery log with "redeliver"; other roles are refused."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from core.roles import Role
from integrations.models import OutboxMessage, WebhookEndpoint
from tests.consents.factories import make_recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_dpo_registers_tests_rotates_and_redelivers(client, dpo):
    corebank = UserFactory(username="corebank_pages", role=Role.CLIENT)
    recipient = make_recipient("Partner Cards")
    client.force_login(dpo)
    assert client.get("/en/portal/webhooks/").status_code == 200

    created = client.post("/en/portal/webhooks/", {
        "name": "Cards", "url": "https://cards.example/hook", "client": corebank.pk,
        "recipient": recipient.pk, "events": "consent.withdrawn, request.task",
    })
    endpoint = WebhookEndpoint.objects.get()
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    assert endpoint.secret in created.content.decode()
    assert endpoint.events == ["consent.withdrawn", "request.task"]
    page = client.get(f"/en/portal/webhooks/{endpoint.pk}/").content.decode()
    assert "Partner Cards" in page and endpoint.secret not in page

    client.post(f"/en/portal/webhooks/{endpoint.pk}/test/")
    message = OutboxMessage.objects.get(endpoint=endpoint)
    assert str(message.pk) in client.get(f"/en/portal/webhooks/{endpoint.pk}/").content.decode()
    rotated = client.post(f"/en/portal/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode() and endpoint.previous_secret
    client.post(f"/en/portal/webhooks/{endpoint.pk}/deliveries/{message.pk}/redeliver/")
    edited = client.post(f"/en/portal/webhooks/{endpoint.pk}/", {
        "name": "Cards", "url": "https://cards2.example/hook", "events": "", "recipient": recipient.pk,
    })
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "https://cards2.example/hook" and endpoint.active is False
    assert set(AuditEntry.objects.filter(action__startswith="integrations.webhook.").values_list(
        "action", flat=True)) == {"integrations.webhook." + a for a in (
            "created", "test_sent", "secret_rotated", "redelivered", "updated")}


def test_an_insecure_address_is_refused_on_the_form(client, dpo, settings):
    settings.DEMO = False
    corebank = UserFactory(username="corebank_pages2", role=Role.CLIENT)
    client.force_login(dpo)
    form = {"name": "X", "url": "http://x.example/", "client": corebank.pk}
    response = client.post("/en/portal/webhooks/", form)
    assert response.status_code == 200 and "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.PRIVACY, Role.AUDITOR])
def test_other_staff_are_refused(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/en/portal/webhooks/").status_code == 403
