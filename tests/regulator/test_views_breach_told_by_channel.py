"""The breach page said "E-mailed on … to N customers" when some were told by SMS or only in the app's
inbox: it says how many each channel reached, and how many are still being sent or were not reached."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from integrations.models import OutboxMessage
from notifications.services import notification_follow_outbox
from regulator import services
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def test_the_breach_page_says_how_each_channel_told_the_customers(
    client, dpo, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    by_email = make_customer()
    make_customer()  # an e-mail still on its way
    make_customer(email="", phone="")  # only the app's inbox
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    delivered = OutboxMessage.objects.get(topic=breach_mailing.CUSTOMER_TOPIC, subject_id=by_email.pk)
    notification_follow_outbox(message=delivered, error="", now=timezone.now())
    client.force_login(dpo)

    with translation.override("en"):
        body = client.get(
            reverse("regulator:breach_detail", args=[breach.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    assert "E-mailed on" not in body
    told = body.split('data-testid="customers-told"', 1)[1].split("</ul>", 1)[0]
    assert "3 customers" in told
    assert "Reached by e-mail: 1" in told
    assert "Only in the app&#x27;s inbox: 1" in told or "Only in the app's inbox: 1" in told
    assert "Being sent: 1" in told
    assert "SMS" not in told  # no line for a channel that told no one


def test_the_confirmation_says_how_the_customers_are_told(client, dpo):
    make_inventory()
    make_catalogue()
    make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    client.force_login(dpo)

    with translation.override("en"):
        body = client.post(
            reverse("regulator:breach_customers", args=[breach.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    count = body.split('data-testid="mailing-count">', 1)[1].split("</p>", 1)[0]
    assert "is e-mailed" not in count and "SMS" in count and "inbox" in count
