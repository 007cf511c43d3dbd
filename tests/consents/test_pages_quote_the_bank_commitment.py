"""The pages that tell staff and customers how soon recipients must stop after a withdrawal (or a void)
quote the bank's commitment from the deadline policy, which the DPO may change: they said "72 hours"
whatever the policy said."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from consents.models import ConsentStatus
from deadlines.models import DeadlinePolicy, DeadlineRegime, PeriodUnit
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment_of_two_days():
    changed = DeadlinePolicy.objects.filter(regime=DeadlineRegime.BANK, request_type="withdraw").update(
        period=2, processor_period=None, unit=PeriodUnit.DAYS
    )
    assert changed


def test_the_staff_pages_quote_the_policy(dpo, commitment_of_two_days):
    # The receipt is worded in the customer's language: one reading English.
    consent = grant(make_subject(preferred_language="en"), make_purpose("marketing"))
    assert consent.status == ConsentStatus.GRANTED
    client = signed_in(dpo)
    for url in (
        reverse("consents:staff_void", args=[consent.pk]),
        reverse("consents:duty_list"),
        reverse("consents:report"),
        reverse("consents:staff_receipt", args=[consent.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "2 calendar days" in page, url
        assert not re.search(r"72[ -]hour", page), url


def test_the_customer_receipt_quotes_it_in_vietnamese(customer_a, commitment_of_two_days):
    consent = grant(customer_a.customer_account.subject, make_purpose("marketing"), channel="mobile_app")
    with translation.override("vi"):
        url = reverse("consents:me_receipt", args=[consent.pk])
    page = signed_in(customer_a).get(url).content.decode()
    assert "thời hạn ngân hàng cam kết (2 ngày" in page
    assert "72 giờ" not in page



def test_the_dashboard_card_of_overdue_notices_quotes_the_policy(dpo, commitment_of_two_days):
    page = signed_in(dpo).get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recipient notices overdue (2 calendar days)" in page
    assert "72 h" not in page
