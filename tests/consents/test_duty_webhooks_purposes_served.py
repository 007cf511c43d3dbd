"""Webhooks keep to the purposes a client serves (`integrations.audience`): a recipient whose client's
tokens name `purpose:<code>` scopes hears by webhook of those purposes only, a client with a token naming
no purpose of every purpose, and a fan-out reads the clients' tokens once, however many it tells."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents import services
from consents.models import Purpose, WithdrawalDuty
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, verified_request
from tests.factories import UserFactory, make_subject, make_token

pytestmark = pytest.mark.django_db


def _partner(name: str, *scopes: str):
    client = UserFactory(role="integration_client")
    make_token(client, scopes=["consents:read", *scopes])
    return make_recipient(name, client=client, url=f"https://{name.lower()}.example/hooks")


def _notices(recipient) -> list[dict]:
    messages = OutboxMessage.objects.filter(endpoint=recipient.endpoint).order_by("created_at")
    return [json.loads(message.payload) for message in messages]


def _grant(subject, code: str):
    """The customer's consent to `code`, told it is sensitive where it is (the biometric purpose)."""
    purpose = Purpose.objects.get(code=code)
    return grant(subject, purpose, now=MONDAY - timedelta(days=1), sensitive_acknowledged=True)


@pytest.fixture
def partners():
    """A marketing platform serving `marketing` only, and a core system whose token names no purpose,
    both recipients of a marketing purpose and of a biometric one."""
    marketer = _partner("Marketer", "purpose:marketing")
    core = _partner("Core")
    on = MONDAY - timedelta(days=30)
    make_purpose("marketing", category="marketing", recipients=[marketer, core], effective_at=on)
    make_purpose(
        "biometric", category="security", sensitive=True, recipients=[marketer, core], effective_at=on
    )
    return marketer, core


def test_a_withdrawal_is_told_only_to_clients_serving_its_purpose(partners):
    marketer, core = partners
    subject = make_subject()
    for code in ("marketing", "biometric"):
        consent = _grant(subject, code)
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    assert [notice["purpose"] for notice in _notices(marketer)] == ["marketing"]
    assert sorted(notice["purpose"] for notice in _notices(core)) == ["biometric", "marketing"]
    # The recipient must still stop: its duty is open, without a notice, for staff to reach it by hand.
    biometric_duty = WithdrawalDuty.objects.get(recipient=marketer, consent__purpose__code="biometric")
    assert biometric_duty.notice_message_id is None


def test_a_restriction_names_to_each_client_only_the_purposes_it_serves(partners):
    marketer, core = partners
    subject = make_subject()
    _grant(subject, "marketing")
    biometric = _grant(subject, "biometric")

    verified_request(subject, type="restrict", purposes=["marketing", "biometric"])

    (marketer_notice,) = _notices(marketer)
    assert marketer_notice["purposes"] == ["marketing"]
    # Nor does it name the biometric consent as the one it received the data under.
    assert marketer_notice["consent"] != str(biometric.pk)
    (core_notice,) = _notices(core)
    assert core_notice["purposes"] == ["biometric", "marketing"]


def test_a_restriction_of_a_purpose_it_does_not_serve_is_not_told_to_a_client(partners):
    marketer, core = partners
    subject = make_subject()
    _grant(subject, "biometric")

    verified_request(subject, type="restrict", purposes=["biometric"])

    assert _notices(marketer) == []
    assert [notice["purposes"] for notice in _notices(core)] == [["biometric"]]


def test_a_fan_out_reads_the_clients_tokens_once():
    partners = [_partner(f"Partner{n}", f"purpose:shared-{n}") for n in range(3)]
    purpose = make_purpose("shared-1", category="sharing", recipients=partners)
    consent = grant(make_subject(), purpose)

    with CaptureQueriesContext(connection) as queries:
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    token_reads = [q for q in queries.captured_queries if 'FROM "core_apitoken"' in q["sql"]]
    assert len(token_reads) == 1
    assert [len(_notices(partner)) for partner in partners] == [0, 1, 0]
