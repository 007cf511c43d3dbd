"""The representative's name is personal data of someone who is not the customer: the representatives page
shows initials until the staff member gives a reason (an audited view). The consent and withdrawal forms'
choice list and the customer page's consent timeline show the same initials, never the full name; the choice
list shows the power of attorney's reference masked too, and the staff copy of a withdrawal's receipt names
who asked by initials (the customer's own copy names her representative in full)."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import Consent, ConsentEvent, Purpose
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_representative, make_subject, signed_in

pytestmark = pytest.mark.django_db
FULL_NAME = "Nguyễn Văn Nam"
INITIALS = "N*** V*** N***"
DOCUMENT_REFERENCE = "POA 12/2026, Notary Office No. 3"


@pytest.fixture
def mother():
    make_purpose("marketing", category="marketing")
    return make_subject()


def test_the_consent_form_offers_the_representative_by_initials(officer, mother):
    make_representative(mother)
    page = signed_in(officer).get(f"/en/portal/customers/{mother.pk}/consents/new/").content.decode()
    assert INITIALS in page
    assert FULL_NAME not in page


@pytest.mark.parametrize("form", ["consent", "withdrawal"])
def test_the_forms_offer_the_power_of_attorney_masked(officer, mother, form):
    make_representative(mother, document_reference=DOCUMENT_REFERENCE)
    consent = grant(mother, Purpose.objects.get(code="marketing"))
    url = (f"/en/portal/customers/{mother.pk}/consents/new/" if form == "consent"
           else f"/en/portal/consents/{consent.pk}/withdraw/")
    page = signed_in(officer).get(url).content.decode()
    assert "*" * (len(DOCUMENT_REFERENCE) - 4) + DOCUMENT_REFERENCE[-4:] in page
    assert "12/2026" not in page


def test_the_withdrawal_form_offers_the_representative_by_initials(officer, mother):
    make_representative(mother)
    consent = grant(mother, Purpose.objects.get(code="marketing"))
    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/withdraw/").content.decode()
    assert INITIALS in page
    assert FULL_NAME not in page


def test_the_consent_timeline_names_the_representative_by_initials(officer, mother):
    son = make_representative(mother)
    answer = signed_in(officer).post(f"/en/portal/customers/{mother.pk}/consents/new/", {
        "answer_marketing": "yes", "version_marketing": "v1", "channel": "branch", "evidence": "form 12",
        "notice_given": "read_out", "answered_by": "representative", "representative": str(son.pk),
    })
    assert answer.status_code == 302
    assert Consent.objects.filter(subject=mother).exists()

    page = signed_in(officer).get(f"/en/portal/customers/{mother.pk}/").content.decode()
    timeline = page.split('data-testid="consent-timeline"')[1].split("</ol>")[0]
    assert f"by representative {INITIALS}" in timeline
    assert FULL_NAME not in page


def test_the_staff_receipt_of_a_withdrawal_names_who_asked_by_initials(officer, mother):
    son = make_representative(mother)
    consent = grant(mother, Purpose.objects.get(code="marketing"))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", evidence="FORM-9",
                              asked_by="representative", representative_id=son.pk)
    withdrawal = ConsentEvent.objects.get(consent=consent, kind="withdrawn")

    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/receipt/",
                                  {"event": withdrawal.pk}).content.decode()

    assert f"{INITIALS} ({son.relationship})" in page
    assert FULL_NAME not in page
