"""A customer leaving the bank withdraws every consent at once at the branch: the request names no purpose,
which the intake says means all of them. The receipt she is handed, her request page and the officer's
request page said nothing of what it covers, so the receipt could not show that she withdrew everything.
Each now says so, and a restriction or objection naming none says it covers every purpose."""

from __future__ import annotations

import pytest

from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _pages(request, officer, customer) -> dict[str, str]:
    # The receipt is worded in the customer's language, whatever the portal's.
    DataSubject.objects.filter(pk=request.subject_id).update(preferred_language="en")
    return {
        "receipt": signed_in(officer).get(f"/en/portal/requests/{request.pk}/receipt/").content.decode(),
        "staff": signed_in(officer).get(f"/en/portal/requests/{request.pk}/").content.decode(),
        "customer": signed_in(customer).get(f"/en/me/requests/{request.pk}/").content.decode(),
    }


def test_a_withdrawal_naming_no_purpose_says_it_covers_every_consent(officer, customer_a):
    subject = customer_a.customer_account.subject
    grant(subject, make_purpose("marketing", category="marketing"))
    request = make_request(subject, type="withdraw", purposes=[])
    for name, page in _pages(request, officer, customer_a).items():
        assert "Every consent (no purpose named)" in page, name


def test_an_objection_naming_no_purpose_says_it_covers_every_purpose(officer, customer_a):
    request = make_request(customer_a.customer_account.subject, type="object", purposes=[])
    for name, page in _pages(request, officer, customer_a).items():
        assert "Every purpose (none named)" in page, name


def test_named_purposes_are_listed_on_the_receipt(officer, customer_a):
    subject = customer_a.customer_account.subject
    grant(subject, make_purpose("marketing", category="marketing", name_en="Marketing offers"))
    request = make_request(subject, type="withdraw", purposes=["marketing"])
    pages = _pages(request, officer, customer_a)
    assert all("Marketing offers" in page for page in pages.values())
    assert not any("Every consent" in page for page in pages.values())


def test_the_receipt_names_the_purposes_in_the_customers_language_whatever_the_portals(officer, customer_a):
    subject = customer_a.customer_account.subject
    DataSubject.objects.filter(pk=subject.pk).update(preferred_language="en")
    marketing = make_purpose(
        "marketing", category="marketing", name_vi="Tiếp thị", name_en="Marketing offers"
    )
    grant(subject, marketing)
    named = make_request(subject, type="withdraw", purposes=["marketing"])
    every = make_request(subject, type="withdraw", purposes=[])
    receipt = {
        request: signed_in(officer).get(f"/portal/requests/{request.pk}/receipt/").content.decode()
        for request in (named, every)
    }
    assert "Marketing offers" in receipt[named]
    assert "Tiếp thị" not in receipt[named]
    assert "Every consent (no purpose named)" in receipt[every]
