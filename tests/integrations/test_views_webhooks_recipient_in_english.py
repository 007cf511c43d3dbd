"""The webhook endpoint pages name the recipient an endpoint serves in the reader's language: the English
name the bank gave it for a reader of English, the Vietnamese one otherwise (and when it has none)."""
from __future__ import annotations

import pytest

from core.roles import Role
from integrations.models import WebhookEndpoint
from tests.consents.factories import make_recipient
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"
ENGLISH = "Tokyo Head Office"


@pytest.fixture
def endpoint():
    corebank = UserFactory(username="corebank_names", role=Role.CLIENT)
    served = make_recipient(VIETNAMESE, name_en=ENGLISH, kind="foreign_head_office", client=corebank,
                            url="https://tokyo.example/hook")
    # The factory names the endpoint after the recipient's Vietnamese name: a name of its own here.
    WebhookEndpoint.objects.filter(pk=served.endpoint_id).update(name="Tokyo hook")
    return WebhookEndpoint.objects.get(pk=served.endpoint_id)


def _named(page: str, start: str, end: str) -> tuple[bool, bool]:
    begin = page.index(start)
    part = page[begin : page.index(end, begin)]
    return ENGLISH in part, VIETNAMESE in part


def test_the_endpoint_list_names_the_recipient_it_serves_in_the_readers_language(dpo, endpoint):
    client = signed_in(dpo)
    row = f'data-testid="webhook-{endpoint.pk}"'
    assert _named(client.get("/en/portal/webhooks/").content.decode(), row, "</tr>") == (True, False)
    assert _named(client.get("/portal/webhooks/").content.decode(), row, "</tr>") == (False, True)


def test_the_endpoint_page_names_the_recipient_it_serves_in_the_readers_language(dpo, endpoint):
    client = signed_in(dpo)
    url = f"/portal/webhooks/{endpoint.pk}/"
    # The line naming the integration client and the recipient it serves.
    client_line = endpoint.client.get_username()
    assert _named(client.get(f"/en{url}").content.decode(), client_line, "</p>") == (True, False)
    assert _named(client.get(url).content.decode(), client_line, "</p>") == (False, True)


def test_the_recipient_choice_names_recipients_in_the_readers_language(dpo, endpoint):
    make_recipient("Bảo hiểm Đối tác")  # no English name: the Vietnamese one in either language
    client = signed_in(dpo)
    english = client.get("/en/portal/webhooks/").content.decode()
    choice = english[english.index('name="recipient"') :]
    choice = choice[: choice.index("</select>")]
    assert ENGLISH in choice and VIETNAMESE not in choice and "Bảo hiểm Đối tác" in choice
    vietnamese = client.get("/portal/webhooks/").content.decode()
    choice = vietnamese[vietnamese.index('name="recipient"') :]
    assert VIETNAMESE in choice[: choice.index("</select>")]
