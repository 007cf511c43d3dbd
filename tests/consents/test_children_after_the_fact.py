"""Children are protected whenever the platform learns a customer is one, not only at the moment of
consent (domain notes: "a child's data collected without guardian consent must be deleted or its use
stopped at once"), and a guardian acts for a child only: from 16 the customer acts alone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent, WithdrawalDuty
from consents.selectors import consent_check
from core.errors import InvalidInput
from dsr import services as dsr_services
from subjects import services as subject_services
from tests.consents.factories import STAFF, SYSTEM, child_of, grant, make_purpose, make_recipient
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db


def _born(age: int) -> date:
    today = timezone.localdate()
    return date(today.year - age, today.month, min(today.day, 28)) - timedelta(days=10)


@pytest.fixture
def purposes():
    partner = make_recipient("Partner A")
    return {
        "marketing": make_purpose("marketing", category="marketing", recipients=[partner]),
        "biometric": make_purpose("biometric", category="security", sensitive=True),
        "support": make_purpose("support", category="support"),
    }


def test_a_birth_date_corrected_to_a_childs_stops_at_once_what_the_child_agreed_to_alone(purposes):
    customer = make_subject(date_of_birth=date(1990, 5, 1))
    for purpose in purposes.values():
        grant(customer, purpose, sensitive_acknowledged=purpose.sensitive)

    subject_services.subject_rectify(actor=STAFF, subject_id=customer.pk,
                                     changes={"date_of_birth": _born(12)}, reason="birth certificate")

    for code in purposes:
        answer = consent_check(subject_ref=customer.external_ref, purpose_code=code)
        assert (code, answer.allowed, answer.reason) == (code, False, "withdrawn")
    assert not Consent.objects.filter(subject=customer, status="granted").exists()
    assert WithdrawalDuty.objects.filter(consent__purpose__code="marketing").count() == 1
    assert AuditEntry.objects.filter(action="consents.consent.withdrawn", subject_id=customer.pk).count() == 3


def test_a_correction_that_keeps_the_customer_adult_stops_nothing(purposes):
    customer = make_subject(date_of_birth=date(1990, 5, 1))
    grant(customer, purposes["marketing"])

    subject_services.subject_rectify(actor=STAFF, subject_id=customer.pk,
                                     changes={"date_of_birth": date(1991, 5, 1)})

    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").allowed


def test_a_childs_consent_given_with_the_guardian_survives_a_correction_within_childhood(purposes):
    parent = make_subject()
    child = child_of(parent, age=10)
    grant(child, purposes["support"], guardian=parent, child_agreed=True, child_evidence="form signed")

    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk, changes={"date_of_birth": _born(9)})

    assert consent_check(subject_ref=child.external_ref, purpose_code="support").allowed


@pytest.mark.parametrize("age", [16, 17, 30])
def test_a_guardian_cannot_consent_for_a_customer_of_16_or_over(purposes, age):
    parent = make_subject()
    ward = make_subject(guardian=parent, date_of_birth=_born(age))
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="court order")

    with pytest.raises(InvalidInput) as refused:
        grant(ward, purposes["support"], guardian=parent)

    assert refused.value.field == "guardian" and "16" in refused.value.text
    assert not Consent.objects.filter(subject=ward).exists()


def test_a_guardian_cannot_file_a_request_for_a_customer_of_16_or_over(purposes):
    parent = make_subject()
    ward = make_subject(guardian=parent, date_of_birth=_born(17))
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="court order")

    with pytest.raises(InvalidInput) as refused:
        dsr_services.request_create(actor=STAFF, subject=ward, type="access", channel="branch",
                                    guardian=parent)

    assert refused.value.field == "guardian" and "16" in refused.value.text


def test_a_customer_verified_adult_by_ekyc_with_no_birth_date_acts_alone_for_consents_and_requests(purposes):
    """One reading of "a child" for both: with no date of birth, an eKYC adult check makes the customer
    an adult, and a guardian named on a consent is refused as on a request."""
    parent = make_subject()
    ward = make_subject(guardian=parent, date_of_birth=None)
    ward.adult_verified = True
    ward.save(update_fields=["adult_verified"])
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="old order")

    with pytest.raises(InvalidInput) as consent_refused:
        grant(ward, purposes["support"], guardian=parent)
    with pytest.raises(InvalidInput) as request_refused:
        dsr_services.request_create(actor=STAFF, subject=ward, type="access", channel="branch",
                                    guardian=parent)

    assert consent_refused.value.field == request_refused.value.field == "guardian"
    assert not Consent.objects.filter(subject=ward).exists()


def test_the_guardians_self_service_lists_only_wards_still_children(purposes):
    parent = make_subject()
    child = child_of(parent, age=10)
    grown = make_subject(guardian=parent, date_of_birth=_born(17), full_name="Trần Thị Lớn")
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=grown.pk, evidence="old order")
    browser = Client()
    browser.force_login(make_customer(parent))

    page = browser.get("/en/me/consents/").content.decode()

    assert child.external_ref in page or child.full_name in page
    assert grown.external_ref not in page and "Trần Thị Lớn" not in page


def test_a_guardian_must_be_an_adult():
    teenager = make_subject(date_of_birth=_born(17))

    with pytest.raises(InvalidInput) as refused:
        make_subject(guardian=teenager, date_of_birth=_born(3))

    assert refused.value.field == "guardian" and "18" in refused.value.text
