"""Who gave the answers on a consent form staff record, and how the notice reached the customer.

An elderly customer who does not read small print comes to the branch with her son: the notice is read out,
and it is she who must answer, or someone on her documented authority (a power of attorney). The form asks
the officer both, refuses a representative without the reference of their authority, and the proof keeps
what happened: the receipt says who answered and whether the notice was read out or handed over to read."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import Consent
from consents.receipts import consent_receipt
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

BASE = {"answer_marketing": "yes", "version_marketing": "v1", "channel": "branch", "evidence": "form 12"}


def _post(officer, subject, **fields):
    return signed_in(officer).post(f"/en/portal/customers/{subject.pk}/consents/new/", {**BASE, **fields})


def test_a_form_that_does_not_say_who_answered_nor_how_the_notice_was_given_is_refused(officer):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    page = _post(officer, subject)
    assert page.status_code == 200
    assert not Consent.objects.filter(subject=subject).exists()
    assert page.context["form"].errors.keys() >= {"answered_by", "notice_given"}


def test_a_representative_without_the_reference_of_their_authority_is_refused(officer):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    page = _post(officer, subject, answered_by="representative", notice_given="read_out")
    assert page.status_code == 200
    assert "authority" in page.context["form"].errors
    assert not Consent.objects.filter(subject=subject).exists()


def test_the_receipt_says_who_answered_on_whose_authority_and_that_the_notice_was_read_out(officer):
    make_purpose("marketing", category="marketing")
    # The receipt is in the customer's language: an English reader's here, to read it in English.
    subject = make_subject(preferred_language="en")
    answer = _post(
        officer, subject,
        answered_by="representative", authority="POA 0457/2026 notarised", notice_given="read_out",
    )
    assert answer.status_code == 302
    consent = Consent.objects.get(subject=subject)
    staff_copy = consent_receipt(consent)["collection"]
    assert staff_copy["answered"] == {
        "by": "representative", "authority": "POA 0457/2026 notarised", "notice_given": "read_out",
    }
    # The customer's copy says who answered, without the bank's internal reference.
    assert consent_receipt(consent, for_customer=True)["collection"]["answered"]["authority"] is None
    entry = AuditEntry.objects.filter(action="consents.consent.granted").latest("sequence")
    assert entry.data["answered_by"] == "representative"
    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/receipt/").content.decode()
    assert "Someone else answered for the customer" in page and "POA 0457/2026 notarised" in page
    assert "The notice was read out to the customer" in page


def test_a_customer_who_answered_herself_with_her_son_helping_is_recorded_so(officer):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    assert _post(officer, subject, answered_by="customer_helped", notice_given="read_out").status_code == 302
    answered = consent_receipt(Consent.objects.get(subject=subject))["collection"]["answered"]
    assert answered == {"by": "customer_helped", "authority": "", "notice_given": "read_out"}


def test_a_record_that_does_not_know_who_answered_keeps_the_receipt_it_had():
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    assert "answered" not in consent_receipt(consent)["collection"]
