"""A recipient's name in the reader's language: a customer reading English is told who receives their data
by the English name the bank gave it (falling back to the Vietnamese one), on the consents page, the
confirmation, the withdrawal confirmation and the receipt page; staff reading English the same on the
purposes list, the recipient notices and the consent-recording page. The scope a consent froze keeps the
Vietnamese name it was agreed with: the receipt's document keeps its bytes, and a change of the English
name is wording, never a widening."""

from __future__ import annotations

import json

import pytest

from consents import services
from consents.models import Consent, Recipient
from consents.scope import latest_scope, purpose_scope, scope_widenings
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"
ENGLISH = "Tokyo Head Office"


@pytest.fixture
def sharing():
    head_office = make_recipient(VIETNAMESE, name_en=ENGLISH, kind="foreign_head_office")
    untranslated = make_recipient("Bảo hiểm Đối tác")
    return make_purpose("sharing", category="sharing", recipients=[head_office, untranslated])


def _section(page: str, testid: str, end: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index(end, start)]


def test_the_consents_page_in_english_names_recipients_in_english(customer_a, sharing):
    client = signed_in(customer_a)
    card = _section(client.get("/en/me/consents/").content.decode(), "purpose-sharing", "</article>")
    assert ENGLISH in card and VIETNAMESE not in card
    assert "Bảo hiểm Đối tác" in card  # no English name given: the Vietnamese one
    card = _section(client.get("/me/consents/").content.decode(), "purpose-sharing", "</article>")
    assert VIETNAMESE in card and ENGLISH not in card


def test_the_confirmation_in_english_names_recipients_in_english(customer_a, sharing):
    page = signed_in(customer_a).get("/en/me/consents/sharing/confirm/").content.decode()
    summary = _section(page, "consent-summary", "</section>")
    assert ENGLISH in summary and "Bảo hiểm Đối tác" in summary and VIETNAMESE not in summary


def test_the_withdrawal_confirmation_in_english_names_who_is_told_in_english(customer_a, sharing):
    grant(customer_a.customer_account.subject, sharing)
    page = signed_in(customer_a).get("/en/me/consents/sharing/withdraw/").content.decode()
    told = _section(page, "consequences", "</section>")
    assert ENGLISH in told and VIETNAMESE not in told


def test_the_receipt_page_in_english_names_recipients_in_english_and_its_document_keeps_the_frozen_name(
    customer_a, sharing
):
    consent = grant(customer_a.customer_account.subject, sharing)
    client = signed_in(customer_a)
    url = f"/en/me/consents/{consent.pk}/receipt/"
    before = client.get(url, {"format": "json"}).content
    page = client.get(url).content.decode()
    shared = _section(page, "receipt-recipients", "</dd>")
    assert ENGLISH in shared and VIETNAMESE not in shared
    # The document is the one frozen at the grant: the Vietnamese name, no English one, the same bytes.
    document = json.loads(before)
    assert {r["name"] for r in document["recipients"]} == {VIETNAMESE, "Bảo hiểm Đối tác"}
    Recipient.objects.filter(name=VIETNAMESE).update(name_en="Head Office, Tokyo")
    assert client.get(url, {"format": "json"}).content == before
    assert "name_en" not in json.dumps(Consent.objects.get().snapshot)


def test_a_new_english_name_is_wording_not_a_widening(sharing):
    before = latest_scope(sharing)
    Recipient.objects.filter(name=VIETNAMESE).update(name_en="Head Office, Tokyo")
    sharing.refresh_from_db()
    after = purpose_scope(sharing)
    assert after == before and scope_widenings(before, after) == []
    assert all(set(entry) == {"id", "name", "kind", "country"} for entry in after["recipients"])


def test_the_api_takes_and_gives_the_english_name(as_user, dpo):
    api = as_user(dpo)
    given = api.post(
        "/api/v1/recipients/",
        {"name": VIETNAMESE, "name_en": f"  {ENGLISH} ", "kind": "foreign_head_office", "country": "JP"},
        format="json",
    )
    assert given.status_code == 201, given.json()
    assert given.json()["name"] == VIETNAMESE and given.json()["name_en"] == ENGLISH
    without = api.post("/api/v1/recipients/", {"name": "CIC", "kind": "credit_bureau"}, format="json")
    assert without.status_code == 201 and without.json()["name_en"] == ""
    listed = {r["name"]: r["name_en"] for r in api.get("/api/v1/recipients/").json()["results"]}
    assert listed == {VIETNAMESE: ENGLISH, "CIC": ""}


def test_the_staff_form_takes_the_english_name_and_the_list_shows_both(dpo):
    client = signed_in(dpo)
    posted = client.post(
        "/en/portal/recipients/",
        {"name": VIETNAMESE, "name_en": ENGLISH, "kind": "foreign_head_office", "country": "JP"},
    )
    assert posted.status_code == 302
    assert Recipient.objects.get(name=VIETNAMESE).name_en == ENGLISH
    page = client.get("/en/portal/recipients/").content.decode()
    assert VIETNAMESE in page and ENGLISH in page


def test_the_receipt_page_in_english_says_when_each_recipient_stopped_in_english(customer_a, sharing):
    consent = grant(customer_a.customer_account.subject, sharing)
    client = signed_in(customer_a)
    client.post("/en/me/consents/sharing/withdraw/", {"reason": ""})
    assert Consent.objects.get(pk=consent.pk).status == "withdrawn"
    page = client.get(f"/en/me/consents/{consent.pk}/receipt/").content.decode()
    stops = _section(page, "receipt-recipient-stops", "</table>")
    assert ENGLISH in stops and "Bảo hiểm Đối tác" in stops and VIETNAMESE not in stops


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
