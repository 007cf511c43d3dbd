"""What followed a breach's notice is what each customer told did after their own notice: one found
affected and told by a later mailing may have withdrawn or asked for deletion before, for reasons of
their own, and that did not follow the breach."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consents import services as consent_services
from dsr import services as dsr_services
from regulator import services
from regulator.breach_notices import breach_what_followed
from tests.consents.factories import grant, recorder
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db

TOLD_AT = MONDAY + timedelta(hours=2)


def _found_affected_since(customer) -> None:
    """A customer who joined after the detection on file, their record corrected since to an older date:
    the breach's affected customers now include them."""
    type(customer).objects.filter(pk=customer.pk).update(created_at=MONDAY - timedelta(days=365))


def test_what_a_customer_told_later_did_before_their_notice_did_not_follow_it(
    django_capture_on_commit_callbacks,
):
    make_inventory()
    purposes = make_catalogue()
    make_customer()
    told_later = make_customer(since=MONDAY + timedelta(days=1))
    consent = grant(told_later, purposes["marketing"], now=MONDAY + timedelta(days=1))
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk, now=TOLD_AT)
    # Not yet told: they withdraw and ask for deletion for reasons of their own.
    consent_services.consent_withdraw(
        actor=recorder("branch"), consent_id=consent.pk, channel="branch", now=TOLD_AT + timedelta(hours=1)
    )
    dsr_services.request_create(
        actor=recorder("branch"), subject=told_later, type="delete", channel="branch",
        now=TOLD_AT + timedelta(hours=1), on_repeat=dsr_services.Repeat.RECORD,
    )
    _found_affected_since(told_later)
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk, now=TOLD_AT + timedelta(days=2))

    followed = breach_what_followed(breach)
    assert followed.since == TOLD_AT
    assert followed.withdrew == 0
    assert followed.requests == []
