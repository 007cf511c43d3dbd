"""The demo data shows a scheduled widening (customer1 sees its banner) and a consent needing re-consent."""

import pytest
from django.core.management import call_command
from django.test import Client

from consents.selectors import consent_check
from subjects.models import CustomerAccount

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_scheduled_widening_and_a_consent_to_ask_again(demo):
    call_command("seed_demo", verbosity=0)
    customer1 = CustomerAccount.objects.select_related("user", "subject").get(user__username="customer1")
    ref = customer1.subject.external_ref
    assert consent_check(subject_ref=ref, purpose_code="customer-support").reason == "reconsent_required"
    assert consent_check(subject_ref=ref, purpose_code="partner-bancassurance").allowed
    client = Client()
    client.force_login(customer1.user)
    page = client.get("/en/me/consents/").content.decode()
    assert 'data-testid="upcoming-partner-bancassurance"' in page
    assert 'data-testid="reconsent-customer-support"' in page
    # Biometrics and the customer information a bank holds are sensitive in the demo catalogue: switching
    # one on asks for the separate acknowledgement on its confirmation page.
    confirm = client.get("/en/me/consents/group-sharing/confirm/").content.decode()
    assert 'data-testid="ack-group-sharing"' in confirm
    call_command("seed_demo", verbosity=0)  # idempotent
