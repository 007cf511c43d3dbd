"""Issue #18, customer: switching consent on asks first (what they agree to, the notice), the page
comes back to the same purpose after a change, and a child's section offers no purpose barred for
children."""

from __future__ import annotations

import pytest

from consents.models import Consent
from consents.selectors import consent_check
from tests.consents.factories import child_of, grant
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_switching_on_shows_a_confirmation_before_anything_is_recorded(customer_a, catalogue):
    subject = customer_a.customer_account.subject
    client = signed_in(customer_a)
    moved = client.post("/en/me/consents/sharing/", {"on": "1", "notice_version": "v1"})
    assert moved.status_code == 302 and moved.url.endswith("/en/me/consents/sharing/confirm/")
    assert not Consent.objects.exists()  # the switch alone records nothing

    confirm = client.get(moved.url).content.decode()
    assert "What you agree to" in confirm and "Bảo hiểm Đối tác" in confirm
    assert 'data-testid="confirm-notice"' in confirm and 'name="confirmed" value="1"' in confirm

    done = client.post("/en/me/consents/sharing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    assert done.url.endswith("/en/me/consents/#purpose-sharing")  # back to the same purpose
    assert consent_check(subject_ref=subject.external_ref, purpose_code="sharing").allowed

    withdrawn = client.post("/en/me/consents/sharing/withdraw/", {"reason": ""})
    assert withdrawn.url.endswith("#purpose-sharing")


def test_the_sensitive_refusal_speaks_to_people_not_in_field_names(customer_a, catalogue):
    client = signed_in(customer_a)
    page = client.post(
        "/en/me/consents/biometric/", {"on": "1", "confirmed": "1", "notice_version": "v1"}, follow=True
    ).content.decode()
    assert "sensitive personal data" in page
    assert "sensitive_acknowledged = true" not in page
    confirm = client.get("/en/me/consents/biometric/confirm/").content.decode()
    assert 'data-testid="ack-biometric"' in confirm


def test_a_childs_section_offers_no_marketing_switch(customer_a, catalogue):
    parent = customer_a.customer_account.subject
    child = child_of(parent, age=9)
    page = signed_in(customer_a).get("/en/me/consents/").content.decode()
    section = page[page.index(f'data-testid="ward-{child.external_ref}"') :]
    assert "never used for marketing" in section
    assert 'data-testid="ward-switch-sharing"' in section
    assert 'data-testid="ward-switch-marketing"' not in section
    assert 'data-testid="ward-switch-biometric"' not in section  # sensitive data is barred for children too
    # The customer's own marketing switch stays.
    assert 'data-testid="switch-marketing"' in page


def test_consents_are_grouped_by_category_with_details_folded(customer_a, catalogue):
    page = signed_in(customer_a).get("/en/me/consents/").content.decode()
    assert page.count('class="consent-group"') == 3
    assert '<details class="consent-row__details"' in page


def test_the_receipt_names_people_and_channels_in_words(customer_a, catalogue):
    client = signed_in(customer_a)
    client.post("/en/me/consents/marketing/", {"on": "1", "confirmed": "1", "notice_version": "v1"})
    consent = Consent.objects.get(purpose__code="marketing")
    page = client.get(f"/en/me/consents/{consent.pk}/receipt/").content.decode()
    assert "customer#" not in page and "selfservice:request" not in page
    assert 'data-testid="receipt-recorded-by">you<' in page
    assert "Internet banking" in page or "internet banking" in page.lower()
    assert "<dd>consent</dd>" not in page  # the legal basis in words, not its code


def test_the_customers_receipt_file_leaves_out_what_their_receipt_page_does(
    customer_a, privacy_officer, catalogue, as_user
):
    """The page hides the bank's internal evidence reference from the customer (`for_customer`); the
    JSON file of the same receipt, downloaded from the page or read through the API, hides it too,
    with the session fingerprint and the device string: the keys stay, empty. Staff see everything."""
    subject = customer_a.customer_account.subject
    client = signed_in(customer_a)
    client.post("/en/me/consents/marketing/", {"on": "1", "confirmed": "1", "notice_version": "v1"},
                HTTP_USER_AGENT="Mozilla/5.0 (QDL test device)")
    online = Consent.objects.get(purpose__code="marketing")
    at_branch = grant(subject, catalogue["sharing"], evidence="PF-2026-09", device="counter-tablet-7")
    for consent in (online, at_branch):
        files = {
            "page": client.get(f"/en/me/consents/{consent.pk}/receipt/?format=json").json(),
            "api": as_user(customer_a).get(f"/api/v1/consents/{consent.pk}/receipt/").json(),
        }
        for where, receipt in files.items():
            collection = receipt["collection"]
            hidden = (collection["evidence"], collection["session"], collection["device"])
            assert hidden == (None, None, None), where
            assert collection["channel"] == consent.channel
        staff = as_user(privacy_officer).get(f"/api/v1/consents/{consent.pk}/receipt/").json()["collection"]
        staff_page = signed_in(privacy_officer).get(f"/portal/consents/{consent.pk}/receipt/?format=json")
        assert staff == staff_page.json()["collection"]
        assert staff["evidence"] == consent.evidence and staff["device"] == consent.device
    assert online.evidence.startswith("selfservice:request:") and online.device.startswith("Mozilla/5.0")
    assert online.session_ref
