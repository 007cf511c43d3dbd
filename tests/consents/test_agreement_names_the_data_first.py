"""The customer is told, before agreeing, which personal data a purpose uses and which of it is
sensitive (Law 91/2025 and Decree 356/2025: informed consent, and a separate, explicit consent told that
the data is sensitive; Decree 13/2023 Art. 2.4 lists the sensitive kinds). The receipt named the data
categories only after the customer had agreed; the confirmation and the officer's consent form said
"sensitive personal data" without saying which. Both now name each category of the version in force,
the sensitive ones marked so."""

from __future__ import annotations

import html

import pytest

from tests.consents.factories import make_purpose
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_sharing():
    return make_purpose("group", category="sharing", data_categories=["contact", "credit_customer"])


@pytest.mark.parametrize(
    ("language", "prefix", "contact", "sensitive"),
    [
        ("en", "/en", "Contact details", "Customer information held by a credit institution"),
        ("vi", "", "Thông tin liên hệ", "Thông tin khách hàng"),
    ],
)
def test_the_customers_confirmation_names_the_data_and_what_is_sensitive(
    customer_a, group_sharing, language, prefix, contact, sensitive
):
    page = html.unescape(signed_in(customer_a).get(f"{prefix}/me/consents/group/confirm/").content.decode())

    data = page.split('data-testid="data-used"', 1)[1].split("</li>", 1)[0]
    assert contact in data and sensitive in data
    named_sensitive = page.split('data-testid="sensitive-data"', 1)[1].split("</li>", 1)[0]
    assert sensitive in named_sensitive and contact not in named_sensitive


def test_the_officers_form_names_the_data_and_what_is_sensitive(officer, customer_a, group_sharing):
    subject = customer_a.customer_account.subject
    page = html.unescape(
        signed_in(officer).get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()
    )

    section = page.split('data-testid="purpose-group"', 1)[1]
    data = section.split('data-testid="data-used-group"', 1)[1].split("</li>", 1)[0]
    assert "Contact details" in data and "Customer information held by a credit institution" in data
    told = section.split('data-testid="sensitive-data-group"', 1)[1].split("</p>", 1)[0]
    assert "Customer information held by a credit institution" in told and "Contact details" not in told
