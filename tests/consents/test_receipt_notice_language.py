"""Proof of consent names the language the customer read the notice in (Decree 13/2023 Art. 11: the
bank proves what the customer was shown). The receipt freezes the notice in both languages; the record
also keeps which one the customer was shown: the page's language in self-service, the customer's
language on the staff consent form (which shows each notice in it), the language the bank's app says
it showed through the API. A record that does not know (an import, one recorded before) says nothing,
so its receipt keeps its bytes."""

from __future__ import annotations

import pytest

from consents.models import Consent
from consents.receipts import consent_receipt
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "vi")])
def test_a_self_service_grant_keeps_the_language_of_the_page_that_showed_the_notice(
    customer_a, prefix, language
):
    make_purpose("marketing", category="marketing")
    answer = signed_in(customer_a).post(
        f"{prefix}/me/consents/marketing/", {"on": "1", "confirmed": "1", "notice_version": "v1"}
    )
    assert answer.status_code == 302
    consent = Consent.objects.get(subject=customer_a.customer_account.subject)
    assert consent_receipt(consent)["notice"]["shown_in"] == language


def test_the_customer_receipt_page_says_which_language_the_notice_was_read_in(customer_a):
    make_purpose("marketing", category="marketing")
    client = signed_in(customer_a)
    client.post("/en/me/consents/marketing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    consent = Consent.objects.get(subject=customer_a.customer_account.subject)
    page = client.get(f"/me/consents/{consent.pk}/receipt/").content.decode()
    # The Vietnamese page names the language the notice was read in, by its own name (as the switch does).
    shown_in = page.split('data-testid="receipt-notice-shown-in"')[1].split("</dd>")[0]
    assert shown_in == ' lang="en">English'


def test_an_api_grant_keeps_the_language_the_app_showed(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "mobile_app", "evidence": "", "notice_language": "en"}
    response = api.post("/api/v1/consents/", body, format="json")
    assert response.status_code == 201, response.json()
    receipt = api.get(f"/api/v1/consents/{response.json()['id']}/receipt/").json()
    assert receipt["notice"]["shown_in"] == "en"


def test_an_api_grant_naming_an_unknown_language_is_refused(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "mobile_app", "notice_language": "fr"}
    response = api.post("/api/v1/consents/", body, format="json")
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_a_record_that_does_not_know_the_language_keeps_the_receipt_it_had():
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    assert "shown_in" not in consent_receipt(consent)["notice"]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_consent_form_recorded_at_a_branch_keeps_the_language_the_page_showed_the_notice_in(
    officer, language
):
    """The staff form shows each notice in the customer's language, for the officer to read out or hand
    over: that is the language the receipt names."""
    make_purpose("marketing", category="marketing")
    subject = make_subject(preferred_language=language)
    answer = signed_in(officer).post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        {"answer_marketing": "yes", "version_marketing": "v1",
            "answered_by": "customer", "notice_given": "read_out",
            "channel": "branch", "evidence": "form 12"},
    )
    assert answer.status_code == 302
    assert consent_receipt(Consent.objects.get(subject=subject))["notice"]["shown_in"] == language


def _notice_shown_first(page: str) -> str:
    """The notice paragraph the receipt page leads with (before the other language's, folded away)."""
    start = page.index('data-testid="receipt-notice-shown"')
    return page[start : page.index("</p>", start)]


def test_the_receipt_leads_with_the_notice_in_the_language_the_customer_read_it_in(customer_a, officer):
    """Read later on a Vietnamese page (the customer's, or the officer's who prints it), the receipt of a
    notice read in English shows the English text the customer agreed to, the Vietnamese folded below."""
    make_purpose("marketing", category="marketing")
    client = signed_in(customer_a)
    client.post("/en/me/consents/marketing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    consent = Consent.objects.get(subject=customer_a.customer_account.subject)
    english = consent.snapshot["notice"]["text"]["en"].splitlines()[0]
    for page in (
        client.get(f"/me/consents/{consent.pk}/receipt/").content.decode(),
        signed_in(officer).get(f"/portal/consents/{consent.pk}/receipt/").content.decode(),
    ):
        shown = _notice_shown_first(page)
        assert 'lang="en"' in shown and english in shown
