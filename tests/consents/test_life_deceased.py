"""A customer reported deceased (death certificate seen at the branch). Law 91/2025: processing a deceased
person's data needs the consent of their spouse or adult children (or parents); the consents the customer
gave while alive no longer let the bank market to them or share their data, and no new consent is
recorded in their name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import WithdrawalDuty
from consents.selectors import consent_check
from core.errors import Conflict, InvalidInput
from subjects import services as subject_services
from subjects.children import guardian_not_acting
from tests.consents.factories import (
    STAFF,
    child_of,
    grant,
    life_event_recorded,
    make_purpose,
    purposes_for_life_events,
)
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def purposes():
    return purposes_for_life_events()


def _died(customer, *, days_ago: int = 2):
    return life_event_recorded(customer, "deceased_on", days_ago=days_ago, reason="death certificate")


def test_a_deceased_customers_consents_stop_and_recipients_are_told(purposes):
    customer = make_subject()
    grant(customer, purposes["marketing"])
    grant(customer, purposes["sharing"])

    _died(customer)

    for code in ("marketing", "sharing"):
        answer = consent_check(subject_ref=customer.external_ref, purpose_code=code)
        assert (code, answer.allowed) == (code, False)
    assert WithdrawalDuty.objects.filter(consent__purpose__code="sharing").count() == 1
    assert consent_check(subject_ref=customer.external_ref, purpose_code="kyc").allowed


def test_no_consent_is_recorded_in_a_deceased_customers_name(purposes):
    customer = make_subject()
    _died(customer)

    with pytest.raises(Conflict) as refused:
        grant(customer, purposes["marketing"])
    assert refused.value.code == "subject_deceased"


def test_a_death_date_to_come_is_refused(purposes):
    customer = make_subject()
    with pytest.raises(InvalidInput) as refused:
        _died(customer, days_ago=-1)
    assert refused.value.field == "deceased_on"


def test_staff_record_the_death_through_the_api(purposes, as_user, officer):
    customer = make_subject()
    grant(customer, purposes["marketing"])
    api = as_user(officer)

    answer = api.patch(f"/api/v1/subjects/{customer.pk}/", {
        "deceased_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "reason": "death certificate",
    }, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json()["deceased_on"]
    assert not consent_check(subject_ref=customer.external_ref, purpose_code="marketing").allowed


def test_the_branch_records_the_death_on_the_customer_page(purposes, client, officer):
    customer = make_subject()
    grant(customer, purposes["marketing"])
    client.force_login(officer)
    page = client.get(reverse("subjects:customer_detail", args=[customer.pk])).content.decode()
    assert 'name="deceased_on"' in page

    client.post(reverse("subjects:customer_relationship_end", args=[customer.pk]),
                {"relationship_ended_on": "", "deceased_on": timezone.localdate().isoformat()})

    customer.refresh_from_db()
    assert customer.deceased_on == timezone.localdate()
    assert customer.relationship_ended_on is None
    assert not consent_check(subject_ref=customer.external_ref, purpose_code="marketing").allowed


def test_a_guardians_death_ends_their_authority_over_the_child(purposes):
    parent = make_subject()
    child = child_of(parent, age=10)
    support = make_purpose("support", category="support")

    _died(parent, days_ago=1)

    child.refresh_from_db()
    assert child.guardian_verified_at is None
    assert guardian_not_acting(child, parent, on=timezone.localdate()) is not None
    with pytest.raises(Conflict):
        grant(child, support, guardian=parent, child_agreed=True, child_evidence="form signed")
    with pytest.raises(InvalidInput) as refused:
        subject_services.subject_guardian_verify(actor=STAFF, subject_id=child.pk, evidence="birth cert")
    assert (refused.value.field, refused.value.code) == ("guardian", "guardian_deceased")
