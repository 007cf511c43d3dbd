"""An auditor testing change management asks for every configuration change of the year. The trail
could be narrowed to one action only, so they had to know and pick each action name (purposes, notices,
recipients, deadline policy, calendar, roles, tokens, webhooks, schedules, inventory). `category=
configuration` (API, and the page's field *Kind*) narrows it to the actions their apps declare as
configuration changes where they register them, not to a list kept in a view."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.actions import CONFIGURATION, actions_in_category
from audit.services import audit_record
from core.actors import Actor
from tests.factories import make_token

pytestmark = pytest.mark.django_db
DPO = Actor(kind="staff", user_id=None, label="dpo")
CONFIGURATION_SAMPLE = (
    "consents.purpose.updated", "consents.notice.published", "consents.recipient.created",
    "dsr.policy.changed", "dsr.calendar.changed", "core.user.role_changed", "core.token.issued",
    "integrations.webhook.updated", "core.schedule.changed", "dsr.system.saved", "dsr.retention.updated",
    "authorisations.third_party.registered",
)


@pytest.fixture
def entries():
    with transaction.atomic():
        for action in ("dsr.policy.changed", "core.subject.viewed", "core.user.role_changed",
                       "dsr.queue.exported", "dsr.system.saved"):
            audit_record(action=action, actor=DPO, data={"kind": action})


def test_the_apps_declare_their_configuration_changes_and_nothing_else():
    declared = set(actions_in_category(CONFIGURATION))
    assert set(CONFIGURATION_SAMPLE) <= declared
    assert not declared & {"consents.consent.granted", "core.subject.viewed", "dsr.request.received",
                           "dsr.sample.drawn", "audit.chain.verified"}


def test_the_api_narrows_the_trail_to_configuration_changes(api, auditor, entries):
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(auditor)}")

    answer = api.get("/api/v1/audit/", {"category": "configuration"})

    assert answer.status_code == 200, answer.content
    # The auditor's token was issued too: a configuration change of its own.
    assert [row["action"] for row in answer.json()["results"]] == [
        "core.token.issued", "dsr.system.saved", "core.user.role_changed", "dsr.policy.changed"
    ]
    refused = api.get("/api/v1/audit/", {"category": "everything"})
    assert refused.status_code == 400 and "category" in refused.json()


def test_the_page_offers_the_kind_and_narrows_to_it(logged_in, auditor, entries):
    page = logged_in(auditor).get("/portal/audit/", {"category": "configuration"}).content.decode()

    assert 'name="category"' in page and 'value="configuration" selected' in page
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "dsr.policy.changed" in rows and "core.user.role_changed" in rows
    assert "dsr.queue.exported" not in rows and "core.subject.viewed" not in rows
