"""The webhook endpoint page's other forms (send a test notice, redeliver a delivery, change the endpoint)
are posted once too: a double click sends one test notice, one redelivery, one change; the second post
writes nothing and comes back to the endpoint's page saying so (integrations.form_once)."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from core.actors import Actor
from core.roles import Role
from integrations import webhooks
from integrations.form_once import FIELD
from integrations.models import OutboxMessage, WebhookEndpoint
from tests.factories import UserFactory, signed_in
from tests.pages import form_hidden_fields, in_either_language

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
ALREADY = "This form had already been sent. It is recorded once; nothing was recorded again."
TEST_SENT_ONCE = (
    "This test notice was already sent by this form, and no other was sent. Its outcome appears in the "
    "delivery log."
)
REDELIVERED_ONCE = (
    "This notice was already delivered again by this form, and was not sent once more. Its new attempts "
    "appear in the delivery log."
)


@pytest.fixture
def endpoint(db) -> WebhookEndpoint:
    corebank = UserFactory(username="corebank_twice", role=Role.CLIENT)
    return webhooks.webhook_endpoint_create(
        actor=SYSTEM, client=corebank, name="Cards", url="https://cards.example/hook"
    )[0]


def _page(endpoint) -> str:
    return f"/en/portal/webhooks/{endpoint.pk}/"


def _posted_twice(client, endpoint, action: str, answers: dict | None = None):
    """The form of the endpoint's page that posts to `action` (the page itself when empty), posted, then
    posted again: both answers."""
    form = {**form_hidden_fields(client.get(_page(endpoint)).content, action), **(answers or {})}
    assert FIELD in form
    return client.post(action or _page(endpoint), form), client.post(action or _page(endpoint), form)


def _came_back_saying(client, endpoint, first, again, message: str) -> None:
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == _page(endpoint)
    shown = client.get(again["Location"]).content.decode()
    assert in_either_language(message, shown)
    assert "flash--error" not in shown


def _switch(endpoint, *, on: bool) -> None:
    change = webhooks.EndpointChange(active=on)
    webhooks.webhook_endpoint_update(actor=SYSTEM, endpoint=endpoint, change=change)


def _entries(action: str) -> int:
    return AuditEntry.objects.filter(action=f"integrations.webhook.{action}").count()


def test_a_test_notice_posted_twice_is_sent_once(dpo, endpoint):
    client = signed_in(dpo)
    first, again = _posted_twice(client, endpoint, f"{_page(endpoint)}test/")
    assert OutboxMessage.objects.filter(endpoint=endpoint, topic=webhooks.TEST_TOPIC).count() == 1
    assert _entries("test_sent") == 1
    _came_back_saying(client, endpoint, first, again, TEST_SENT_ONCE)


def test_a_test_notice_refused_may_be_sent_again_with_the_same_form(dpo, endpoint):
    """Refused (the endpoint is off), the post keeps no claim: the same form sends once it is on."""
    client = signed_in(dpo)
    action = f"{_page(endpoint)}test/"
    form = form_hidden_fields(client.get(_page(endpoint)).content, action)
    assert FIELD in form
    _switch(endpoint, on=False)
    client.post(action, form)
    assert not OutboxMessage.objects.filter(endpoint=endpoint).exists()
    _switch(endpoint, on=True)
    client.post(action, form)
    assert OutboxMessage.objects.filter(endpoint=endpoint, topic=webhooks.TEST_TOPIC).count() == 1


def test_a_redelivery_posted_twice_is_sent_once(dpo, endpoint):
    message = webhooks.webhook_endpoint_test(actor=SYSTEM, endpoint=endpoint)
    client = signed_in(dpo)
    first, again = _posted_twice(client, endpoint, f"{_page(endpoint)}deliveries/{message.pk}/redeliver/")
    assert _entries("redelivered") == 1
    _came_back_saying(client, endpoint, first, again, REDELIVERED_ONCE)


def test_a_change_posted_twice_is_made_once_and_undoes_no_later_change(dpo, endpoint):
    client = signed_in(dpo)
    answers = {"name": "Cards", "url": "https://cards2.example/hook", "events": "", "active": "on",
               "recipient": ""}
    form = {**form_hidden_fields(client.get(_page(endpoint)).content), **answers}
    first = client.post(_page(endpoint), form)
    # Changed again since, by someone else: the same form sent again from the history undoes nothing.
    webhooks.webhook_endpoint_update(
        actor=SYSTEM, endpoint=endpoint, change=webhooks.EndpointChange(url="https://cards3.example/hook")
    )
    again = client.post(_page(endpoint), form)
    endpoint.refresh_from_db()
    assert endpoint.url == "https://cards3.example/hook"
    assert _entries("updated") == 2
    _came_back_saying(client, endpoint, first, again, ALREADY)
