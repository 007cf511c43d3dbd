"""When the customers were told stays what it was: pressing *E-mail the affected customers* again later
tells no one new (each customer is told once) and must not move the breach's `customers_notified_at`
nor the DPO's decision time forward, or the register would date the notice after it went."""

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


def test_a_second_press_keeps_when_the_customers_were_told(django_capture_on_commit_callbacks):
    make_inventory()
    make_catalogue()
    make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    told_at = MONDAY + timedelta(hours=2)
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk, now=told_at)
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk, now=told_at + timedelta(days=3))
    breach.refresh_from_db()
    assert breach.customers_notified_at == told_at
    assert breach.customer_notice_decided_at == told_at
    assert breach.customers_notified == 1


def test_a_later_mailing_stopped_early_keeps_the_count_of_customers_told(
    monkeypatch, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    for _ in range(6):
        make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    mail_again_stopped_after_one_chunk(breach, monkeypatch)
    breach.refresh_from_db()
    assert breach.customers_notified == 6  # all six were told by the first; the second went through two
