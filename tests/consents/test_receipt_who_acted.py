"""Who acted, in the customer's copy of a receipt: plain words in the customer's language ("you", "bank
staff at a branch", "your guardian"), never the bank's internal labels (a staff username, a token's
name, "customer#<id>"). The staff copy keeps the exact label. Each copy stays the same bytes for the
same event: the words come from what the event froze (who acted, on which channel)."""
from __future__ import annotations

import json

import pytest
from django.utils import translation

from consents import services
from consents.models import Consent
from consents.receipts import consent_receipt
from core.actors import actor_for_user
from tests.consents.factories import STAFF, child_of, grant
from tests.factories import signed_in
from tests.pages import translated

pytestmark = pytest.mark.django_db


def _in(lang: str, text: str) -> str:
    assert translated(text, "vi") != text, f"{text!r} has no Vietnamese translation"
    return translated(text, lang)


def test_the_customers_copy_names_who_acted_in_words_and_the_staff_copy_keeps_the_label(
    customer_a, privacy_officer, catalogue, as_user
):
    subject = customer_a.customer_account.subject
    consent = grant(subject, catalogue["sharing"], channel="branch")  # by staff member "officer_t"
    signed_in(customer_a).post("/en/me/consents/sharing/withdraw/", {"reason": ""})
    consent.refresh_from_db()
    assert consent.status == "withdrawn"

    response = as_user(customer_a).get(f"/api/v1/consents/{consent.pk}/receipt/")
    lang = response["Content-Language"]
    receipt = response.json()
    granted, withdrawn = receipt["events"]
    assert granted["actor"] == _in(lang, "bank staff at a branch")
    assert withdrawn["actor"] == _in(lang, "you")
    assert receipt["collection"]["recorded_by"] == _in(lang, "bank staff at a branch")
    text = json.dumps(receipt, ensure_ascii=False)
    assert STAFF.label not in text and "customer#" not in text
    # The kinds stay: machine-readable, and no identifier.
    assert [e["actor_kind"] for e in receipt["events"]] == ["staff", "customer"]

    staff = as_user(privacy_officer).get(f"/api/v1/consents/{consent.pk}/receipt/").json()
    assert [e["actor"] for e in staff["events"]] == [STAFF.label, f"customer#{customer_a.pk}"]
    assert staff["collection"]["recorded_by"] == STAFF.label


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_customers_receipt_file_speaks_their_language(customer_a, catalogue, lang):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"], channel="call_centre")
    client = signed_in(customer_a)
    url = f"{'' if lang == 'vi' else '/en'}/me/consents/{consent.pk}/receipt/"  # Vietnamese has no prefix
    response = client.get(url, {"format": "json"})
    assert response["Content-Language"] == lang
    receipt = response.json()
    assert receipt["events"][0]["actor"] == _in(lang, "the call centre")
    assert receipt["collection"]["recorded_by"] == _in(lang, "the call centre")
    # The same event gives the same bytes again.
    assert client.get(url, {"format": "json"}).content == response.content


def test_a_guardian_reads_you_and_the_ward_reads_your_guardian(customer_a, catalogue):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=5)  # under 7: the guardian alone consents
    consent = grant(child, catalogue["sharing"], actor=actor_for_user(customer_a), channel="mobile_app",
                    guardian=parent)
    with translation.override("en"):
        as_guardian = consent_receipt(consent, for_customer=True, reader=parent)
        as_ward = consent_receipt(consent, for_customer=True, reader=child)
        staff = consent_receipt(consent)
    assert as_guardian["events"][0]["actor"] == "you"
    assert as_ward["events"][0]["actor"] == "your guardian"
    assert staff["events"][0]["actor"] == f"customer#{customer_a.pk}"
    # A receipt of a past event keeps its words after later events.
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    consent = Consent.objects.get(pk=consent.pk)
    with translation.override("en"):
        again = consent_receipt(consent, event_id=as_ward["receipt_id"], for_customer=True, reader=child)
        latest = consent_receipt(consent, for_customer=True, reader=child)
    assert json.dumps(again) == json.dumps(as_ward)
    assert latest["events"][1]["actor"] == "bank staff at a branch"
