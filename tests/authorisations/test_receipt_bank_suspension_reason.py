"""A DPO's reason for suspending a third party is the bank's, not the customer's: the receipt of the pause
says so (`event.reason_given_by`: "bank"), and staff read it as the bank's, not masked as the customer's
own words. Receipts already stored are served as stored."""

from __future__ import annotations

import json

import pytest

from authorisations import services
from authorisations.models import AuthorisationEvent
from core.actors import actor_for_user
from subjects.disclosure import MASKED_TEXT
from tests.authorisations.factories import authorise, register

pytestmark = pytest.mark.django_db
BANKS_REASON = "Giấy phép của bên thứ ba bị thu hồi"


@pytest.fixture
def suspended(customer1, dpo):
    registration = register()
    authorisation = authorise(customer1, registration=registration)
    services.third_party_suspend(
        actor=actor_for_user(dpo), third_party_id=registration.third_party.pk, reason=BANKS_REASON
    )
    return authorisation


def _url(authorisation) -> str:
    return f"/api/v1/authorisations/{authorisation.pk}/receipt/"


def test_the_customers_receipt_says_the_reason_is_the_banks(suspended, browser1):
    receipt = browser1.get(_url(suspended)).json()
    assert receipt["event"]["reason"] == BANKS_REASON
    assert receipt["event"]["reason_given_by"] == "bank"


def test_staff_read_the_banks_reason_as_the_banks_unmasked(suspended, officer, as_user):
    receipt = as_user(officer).get(_url(suspended)).json()
    assert receipt["event"]["reason"] == BANKS_REASON
    assert receipt["event"]["reason_given_by"] == "bank"


def test_a_receipt_stored_before_is_served_to_the_customer_as_stored(suspended, browser1, officer, as_user):
    event = AuthorisationEvent.objects.get(authorisation=suspended, kind="paused")
    body = json.loads(event.receipt)
    del body["event"]["reason_given_by"]
    stored = json.dumps(body, ensure_ascii=False, sort_keys=True)
    AuthorisationEvent.objects.filter(pk=event.pk).update(receipt=stored)
    assert browser1.get(_url(suspended)).content.decode() == stored
    staff = as_user(officer).get(_url(suspended)).json()["event"]
    assert staff["reason"] == BANKS_REASON and staff["reason_given_by"] == "bank"


def test_the_customers_own_revocation_reason_stays_theirs_and_masked(customer1, officer, as_user):
    authorisation = authorise(customer1)
    services.authorisation_revoke(
        actor=actor_for_user(customer1), authorisation_id=authorisation.pk,
        subject=customer1.customer_account.subject, channel="internet_banking", reason="lời của tôi",
    )
    event = as_user(officer).get(_url(authorisation)).json()["event"]
    assert event["reason"] == MASKED_TEXT and "reason_given_by" not in event
