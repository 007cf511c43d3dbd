"""A breach notice tells the customer whom to contact about their personal data: the bank's data
protection officer, by the e-mail address and phone number the bank files with the authority."""

from __future__ import annotations

import pytest

from integrations.delivery import render_email
from integrations.models import OutboxMessage
from regulator import services
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def test_each_notice_gives_the_data_protection_officers_contact(settings, django_capture_on_commit_callbacks):
    settings.REGULATOR_ORGANISATION = {
        **settings.REGULATOR_ORGANISATION, "dpo_email": "privacy@bank.vn", "dpo_phone": "024 3999 8888"
    }
    make_inventory()
    make_catalogue()
    english, vietnamese = make_customer(preferred_language="en"), make_customer(preferred_language="vi")
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    emails = {
        m.subject_id: render_email(m).body
        for m in OutboxMessage.objects.filter(topic=breach_mailing.CUSTOMER_TOPIC, kind="email")
    }
    assert (
        "Questions about your personal data: the bank's data protection officer, privacy@bank.vn, "
        "024 3999 8888." in emails[english.pk]
    )
    assert "privacy@bank.vn, 024 3999 8888" in emails[vietnamese.pk]
    assert "Questions about" not in emails[vietnamese.pk]
