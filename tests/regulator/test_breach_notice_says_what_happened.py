"""A breach notice told the customer only of "a security incident": the DPO now writes what happened for
the customers (Vietnamese, and English for those who read it), apart from the description filed with
A05, and the mailing cannot start without it."""

from __future__ import annotations

import pytest

from core.errors import Conflict
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from regulator import services
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db

HAPPENED_VI = "Một tệp sao kê bị gửi nhầm sang thư mục của một nhà thầu."
HAPPENED_EN = "A statement file was sent by mistake to a contractor's folder."


def test_each_notice_says_what_happened_in_the_readers_language(django_capture_on_commit_callbacks):
    make_inventory()
    make_catalogue()
    english, vietnamese = make_customer(preferred_language="en"), make_customer(preferred_language="vi")
    breach = make_breach(customer_description=HAPPENED_VI, customer_description_en=HAPPENED_EN)
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    bodies = {
        m.subject_id: render_email(m).body
        for m in OutboxMessage.objects.filter(topic=breach_mailing.CUSTOMER_TOPIC, kind="email")
    }
    assert f"What happened: {HAPPENED_EN}" in bodies[english.pk]
    assert HAPPENED_VI in bodies[vietnamese.pk] and HAPPENED_EN not in bodies[vietnamese.pk]
    assert breach.description not in bodies[english.pk]  # the authority's description stays the bank's


def test_the_mailing_does_not_start_without_what_happened_for_the_customers():
    make_inventory()
    make_catalogue()
    make_customer()
    breach = make_breach(customer_description="  ")
    with pytest.raises(Conflict) as refused:
        services.breach_customers_notify_start(actor=DPO, breach_id=breach.pk, dispatch=False)
    assert refused.value.code == "customer_description_missing"
    breach.refresh_from_db()
    assert breach.customers_job is None and breach.customer_notice_decision == ""
