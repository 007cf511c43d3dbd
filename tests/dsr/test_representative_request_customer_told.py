"""Lawyer review: a law firm files requests for its clients on their powers of attorney. The customer's
receipt said only "We have received your request", as if they had filed it themself: a deletion filed on
a forged or already-ended authority went unnoticed by the customer until it was carried out. The receipt
now names the representative who filed it and tells the customer to call the bank at once if they gave no
such authority, as the request's page does after an identity check someone else passed."""

from __future__ import annotations

import pytest

from core.actors import Actor
from dsr.services import request_create
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from notifications.models import Notification
from notifications.selectors import notification_text
from tests.factories import make_representative, make_subject

pytestmark = pytest.mark.django_db


def _receipt(subject):
    """In the customer's language (Vietnamese, the default)."""
    return notification_text(Notification.objects.get(subject=subject, topic="dsr.customer.received")).body


def test_the_receipt_of_a_request_a_representative_filed_names_them_and_says_what_to_do():
    client = make_subject()
    make_representative(client, full_name="Trần Thị Luật", scope="requests")
    request_create(actor=Actor.system(), subject=client, type="delete", channel="paper_form",
                   representative_id_number="001090000123")
    body = _receipt(client)
    assert "Trần Thị Luật" in body
    assert "không ủy quyền cho người này" in body


def test_the_customers_own_request_names_no_representative():
    customer = make_subject()
    make_representative(customer, full_name="Trần Thị Luật", scope="requests")
    request_create(actor=Actor.system(), subject=customer, type="delete", channel="paper_form")
    assert "Trần Thị Luật" not in _receipt(customer)


def test_a_customer_told_by_sms_alone_hears_who_filed_it_too():
    client = make_subject(email="")
    make_representative(client, full_name="Trần Thị Luật", scope="requests")
    request_create(actor=Actor.system(), subject=client, type="delete", channel="paper_form",
                   representative_id_number="001090000123")
    sms = OutboxMessage.objects.get(topic="dsr.customer.received", kind=OutboxMessage.Kind.SMS)
    assert "Trần Thị Luật" in render_sms(sms)
