"""A customer's relationship with the bank ends (every account closed): the consents they gave for it no
longer let the bank process their data. Their data stays only as long as a law keeps it, and then
serves only that law (domain notes, "Retention and deletion"): a former customer is no one's marketing
"yes", and recipients who received it for sharing are told to stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import WithdrawalDuty
from consents.selectors import consent_check, consent_check_bulk
from core.errors import Conflict
from subjects import services as subject_services
from subjects.models import DataSubject
from tests.consents.factories import (
    STAFF,
    grant,
    life_event_recorded,
    purposes_for_life_events,
)
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def purposes():
    return purposes_for_life_events()


def _end(customer, *, days_ago: int = 0):
    life_event_recorded(customer, "relationship_ended_on", days_ago=days_ago, reason="accounts closed")


def test_a_former_customer_is_no_longer_a_marketing_yes(purposes):
    customer = make_subject()
    grant(customer, purposes["marketing"])
    grant(customer, purposes["sharing"])

    _end(customer)

    for code in ("marketing", "sharing"):
        answer = consent_check(subject_ref=customer.external_ref, purpose_code=code)
        assert (code, answer.allowed) == (code, False)
    campaign = consent_check_bulk(purpose_code="marketing", subject_refs=[customer.external_ref])
    assert not campaign[customer.external_ref].allowed
    assert WithdrawalDuty.objects.filter(consent__purpose__code="sharing").count() == 1


def test_what_a_law_keeps_still_serves_that_law(purposes):
    customer = make_subject()
    _end(customer)

    assert consent_check(subject_ref=customer.external_ref, purpose_code="kyc").allowed


def test_a_former_customers_consent_is_refused_until_the_relationship_is_open_again(purposes):
    customer = make_subject()
    _end(customer, days_ago=3)

    with pytest.raises(Conflict) as refused:
        grant(customer, purposes["marketing"])
    assert refused.value.code == "relationship_ended"

    subject_services.subject_rectify(actor=STAFF, subject_id=customer.pk,
                                     changes={"relationship_ended_on": None}, reason="came back")
    grant(customer, purposes["marketing"])
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").allowed


def test_the_api_answers_a_former_customers_consent_with_409(purposes, as_user, officer):
    customer = make_subject()
    _end(customer)
    api = as_user(officer)

    answer = api.post("/api/v1/consents/", {
        "subject": customer.external_ref, "purpose": "marketing", "notice_version": "v1",
        "channel": "branch", "evidence": "form-2026-001",
    }, format="json")

    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "relationship_ended"


@pytest.mark.parametrize(("field", "reason"), [("relationship_ended_on", "relationship_ended"),
                                                ("deceased_on", "deceased")])
def test_the_check_answers_no_for_a_former_or_deceased_customer_whatever_consent_is_on_file(
    purposes, field, reason
):
    """A customer recorded as ended before the platform stopped consents on it (or by a path that wrote
    the date alone, an upgrade's data) still holds a live consent: the check answers by the record."""
    customer = make_subject()
    grant(customer, purposes["marketing"])
    DataSubject.objects.filter(pk=customer.pk).update(**{field: timezone.localdate() - timedelta(days=40)})

    answer = consent_check(subject_ref=customer.external_ref, purpose_code="marketing")
    campaign = consent_check_bulk(purpose_code="marketing", subject_refs=[customer.external_ref])

    assert (answer.allowed, answer.reason) == (False, reason)
    in_campaign = campaign[customer.external_ref]
    assert (in_campaign.allowed, in_campaign.reason) == (False, reason)
    assert consent_check(subject_ref=customer.external_ref, purpose_code="kyc").allowed


def test_a_former_customer_turning_a_switch_on_is_told_in_words_for_them(purposes, customer_a):
    _end(customer_a.customer_account.subject)
    form = {"on": "1", "confirmed": "1", "notice_version": purposes["marketing"].notices.get().version}

    page = signed_in(customer_a).post("/en/me/consents/marketing/", form, follow=True).content.decode()

    text = " ".join(page.split())
    assert "Your relationship with the bank has ended" in text
    assert "clear the end date on their record" not in text
