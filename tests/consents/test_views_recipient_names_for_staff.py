"""Staff pages read in English name a recipient by its English name where the bank gave one (the Vietnamese
name otherwise, and on pages read in Vietnamese): the purposes list, the recipient notices and the
consent-recording page."""

from __future__ import annotations

import pytest

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"
ENGLISH = "Tokyo Head Office"


@pytest.fixture
def sharing():
    head_office = make_recipient(VIETNAMESE, name_en=ENGLISH, kind="foreign_head_office")
    return make_purpose("sharing", category="sharing", recipients=[head_office])


def _named(page: str) -> tuple[bool, bool]:
    return ENGLISH in page, VIETNAMESE in page


def test_the_purposes_list_in_english_names_recipients_in_english(dpo, sharing):
    client = signed_in(dpo)
    assert _named(client.get("/en/portal/purposes/").content.decode()) == (True, False)
    assert _named(client.get("/portal/purposes/").content.decode()) == (False, True)


def test_the_recipient_notices_in_english_name_recipients_in_english(dpo, subject, sharing):
    consent = grant(subject, sharing)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    client = signed_in(dpo)
    assert _named(client.get("/en/portal/withdrawal-duties/").content.decode()) == (True, False)
    assert _named(client.get("/portal/withdrawal-duties/").content.decode()) == (False, True)


def test_the_consent_recording_page_in_english_names_recipients_in_english(officer, subject, sharing):
    page = signed_in(officer).get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()
    start = page.index('data-testid="scope-sharing"')
    assert _named(page[start : page.index("</ul>", start)]) == (True, False)
