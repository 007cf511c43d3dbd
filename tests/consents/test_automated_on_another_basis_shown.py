"""Follow-up review: *My consents* said a purpose profiles the customer or decides by automated means, with
the link to object, for consent-based purposes only. A credit score under the loan contract, the case a
person's review answers an objection to, sat in "Processing on another legal basis" without a word of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.consents.factories import make_purpose
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_a_contract_purpose_deciding_by_automated_means_says_so_with_the_link_to_object(customer_a):
    make_purpose(
        "credit-scoring", legal_basis="contract", automated_processing="automated_decision",
        name_en="Credit scoring",
    )

    client = signed_in(customer_a)
    page = client.get(reverse("consents:me_consents"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-testid="automated-credit-scoring"' in page
    assert reverse("dsr:me_new") + "?type=object&amp;purpose=credit-scoring" in page
    assert "Decisions about you are made by automated means" in page
    assert page.count(">Automated processing</span>") == 1
