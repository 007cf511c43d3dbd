"""What the DPO shows an inspector about one recipient: every notice it was sent and how it answered. The
duty list (API and the portal's notices page) narrows to one recipient (`recipient`, its id); an unknown
one is a 400 naming the parameter, not the whole list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _two_recipients_told():
    insurer, printer = make_recipient("Bảo hiểm Nhóm"), make_recipient("In thẻ ABC", kind="processor")
    purpose = make_purpose("sharing", category="sharing", recipients=[insurer, printer])
    for subject in (make_subject(), make_subject()):
        consent = grant(subject, purpose)
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    return insurer, printer


def test_the_duty_api_lists_one_recipients_notices(as_user, dpo):
    insurer, printer = _two_recipients_told()
    api = as_user(dpo)

    rows = api.get("/api/v1/withdrawal-duties/", {"recipient": printer.pk, "status": ""}).json()["results"]

    assert len(rows) == 2
    assert {row["recipient"]["id"] for row in rows} == {printer.pk}
    refused = api.get("/api/v1/withdrawal-duties/", {"recipient": 999999})
    assert refused.status_code == 400
    assert "recipient" in refused.json()


def test_the_notices_page_narrows_to_one_recipient(dpo):
    insurer, printer = _two_recipients_told()

    with translation.override("en"):
        page = signed_in(dpo).get(
            reverse("consents:duty_list"), {"recipient": printer.pk}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    table = page.split('data-testid="duty-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("In thẻ ABC") == 2
    assert "Bảo hiểm Nhóm" not in table
    assert f'<option value="{printer.pk}" selected>' in page
