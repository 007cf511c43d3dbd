"""A duty opened without a notice says why on the staff duties page: the recipient has no endpoint, is
no longer active, its endpoint does not take this notice (one switched off for a while keeps it
waiting), or its client does not serve the purpose (`integrations.audience`). Every one of them used to
read "No endpoint", which sent staff to configure an endpoint that already existed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from consents import services
from consents.models import WithdrawalDuty
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject, make_token, signed_in

pytestmark = pytest.mark.django_db


def _partner(name: str, *scopes: str):
    client = UserFactory(role="integration_client")
    make_token(client, scopes=["consents:read", *scopes])
    return make_recipient(name, client=client, url=f"https://{name.lower()}.example/hooks")


def _told_cell(page: str, recipient_name: str) -> str:
    row = page.split(f"<td>{recipient_name}</td>", 1)[1].split("</tr>", 1)[0]
    return " ".join(row.split('data-testid="duty-told">', 1)[1].split("</td>", 1)[0].split())


def test_each_withheld_notice_says_why_on_the_duties_page(dpo):
    other_purpose = _partner("Marketer", "purpose:marketing")
    switched_off = _partner("Switched")
    # An endpoint switched off only for a while keeps the notice waiting; one not taking it never gets it.
    switched_off.endpoint.events = ["consent.data_rectified"]
    switched_off.endpoint.save()
    by_hand = make_recipient("ByHand")
    purpose = make_purpose("sharing", category="sharing", recipients=[other_purpose, switched_off, by_hand])
    consent = grant(make_subject(), purpose)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    assert not WithdrawalDuty.objects.filter(notice_message_id__isnull=False).exists()

    with translation.override("en"):
        page = signed_in(dpo).get(reverse("consents:duty_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "No endpoint" in _told_cell(page, "ByHand")
    assert "does not serve this purpose" in _told_cell(page, "Marketer")
    assert "No endpoint" not in _told_cell(page, "Marketer")
    assert "switched off" in _told_cell(page, "Switched")
    assert "No endpoint" not in _told_cell(page, "Switched")


def test_the_api_says_why_no_notice_was_sent(dpo):
    switched_off = _partner("Switched")
    # An endpoint switched off only for a while keeps the notice waiting; one not taking it never gets it.
    switched_off.endpoint.events = ["consent.data_rectified"]
    switched_off.endpoint.save()
    hooked = _partner("Hooked")
    purpose = make_purpose("sharing", category="sharing", recipients=[switched_off, hooked])
    consent = grant(make_subject(), purpose)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    listed = signed_in(dpo).get("/api/v1/withdrawal-duties/").json()

    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {row["notice_withheld"] for row in rows} == {"endpoint_off", None}
