"""Customers found affected after the first mailing are told by a later one: the breach's count of
customers told is how many were told, whichever mailing told them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from regulator import services
from tests.regulator.factories import (
    DPO,
    MONDAY,
    mail_again_stopped_after_one_chunk,
    make_breach,
    make_catalogue,
    make_customer,
    make_inventory,
)

pytestmark = pytest.mark.django_db

YEAR_AGO = MONDAY - timedelta(days=365)


def _found_affected_since(*customers) -> None:
    """Customers who joined after the detection on file, their record corrected since to an older date:
    the breach's affected customers now include them."""
    for customer in customers:
        type(customer).objects.filter(pk=customer.pk).update(created_at=YEAR_AGO)


def test_a_later_mailing_stopped_early_counts_the_new_customers_it_told(
    monkeypatch, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    customers = sorted((make_customer() for _ in range(6)), key=lambda customer: customer.pk)
    found_later = customers[:2]  # the first the mailing reaches, by id
    type(customers[0]).objects.filter(pk__in=[c.pk for c in found_later]).update(
        created_at=MONDAY + timedelta(days=1)
    )
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    breach.refresh_from_db()
    assert breach.customers_notified == 4
    _found_affected_since(*found_later)
    mail_again_stopped_after_one_chunk(breach, monkeypatch)
    breach.refresh_from_db()
    assert breach.customers_notified == 6  # the first told four, the second two more before it stopped
