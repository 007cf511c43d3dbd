"""Follow-up review: the kinds of automated processing are labelled for the DPO ("Decisions about the
customer made by automated means…"), and *My consents*, the receipt and the access export showed the
customer those labels as they are. The customer's places now say it to the customer, in English and
Vietnamese, each wording defined once (`consents.scope.automated_processing_named`); the DPO's pages keep
the catalogue's labels."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from consents.models import AutomatedProcessing
from dsr.services.export_csv import export_csv
from dsr.services.export_formats import export_labelled, export_readable
from dsr.services.exports import export_content
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import verified_request
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

DECIDES_EN = "Decisions about you are made by automated means, such as credit scoring or fraud rules."
DECIDES_VI = "Các quyết định về bạn được đưa ra bằng phương tiện tự động"
PROFILES_EN = "Your data is used to profile you: an automated system evaluates your behaviour"
DPO_WORDS = "about the customer"


def test_my_consents_says_it_to_the_customer_in_english_and_vietnamese(customer_a):
    make_purpose("credit-scoring", legal_basis="contract", automated_processing="automated_decision")
    client = signed_in(customer_a)

    english = client.get(reverse("consents:me_consents"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("vi"):
        vietnamese = client.get(reverse("consents:me_consents"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    assert DECIDES_EN in english and DPO_WORDS not in english
    assert DECIDES_VI in vietnamese
    assert str(AutomatedProcessing.AUTOMATED_DECISION.label) not in english


def test_the_receipt_says_it_to_the_customer(customer_a):
    purpose = make_purpose("segments", category="marketing", automated_processing="profiling")
    consent = grant(customer_a.customer_account.subject, purpose)

    page = signed_in(customer_a).get(
        reverse("consents:me_receipt", args=[consent.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert PROFILES_EN in page and DPO_WORDS not in page


def test_the_export_says_it_to_the_customer(subject):
    make_purpose("credit-scoring", legal_basis="contract", automated_processing="automated_decision")
    content = export_content(verified_request(subject, type="access"), now=timezone.now())

    with translation.override("en"):
        labelled = export_labelled(content)["automated_processing"][0]["automated_processing_label"]
        page = render_to_string("dsr/export.html", {"data": export_readable(content)})
        csv = export_csv(content)
    with translation.override("vi"):
        vietnamese = render_to_string("dsr/export.html", {"data": export_readable(content)})

    assert labelled == DECIDES_EN
    for text in (page, csv):
        assert DECIDES_EN in text and DPO_WORDS not in text
    assert DECIDES_VI in vietnamese
