"""The controller a receipt names is the bank running the platform (`BANK_NAME`, by default its registered
name `REGULATOR_ORG_NAME`), not the platform's own brand: a second bank installing it handed its customers
consent, authorisation and request receipts naming "Quyền Dữ Liệu" as the controller of their data."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from authorisations.selectors import authorisation_receipt
from consents.receipts import consent_receipt
from tests.authorisations.factories import authorise
from tests.consents.factories import grant
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db
SECOND_BANK = "Ngân hàng TMCP Phương Nam Thử Nghiệm"


@override_settings(BANK_NAME=SECOND_BANK)
def test_a_consent_receipt_names_the_bank_as_controller(customer_a, catalogue):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"], channel="branch")
    assert consent_receipt(consent)["controller"]["name"] == SECOND_BANK


@override_settings(BANK_NAME=SECOND_BANK)
def test_an_authorisation_receipt_names_the_bank_as_controller(customer_a):
    authorisation = authorise(customer_a)
    assert json.loads(authorisation_receipt(authorisation))["controller"]["name"] == SECOND_BANK


@override_settings(BANK_NAME=SECOND_BANK)
def test_the_printed_request_receipt_names_the_bank(client, officer, subject):
    request = verified_request(subject, channel="branch")
    client.force_login(officer)
    body = client.get(reverse("dsr:receipt", args=[request.pk])).content.decode()
    assert SECOND_BANK in body and "Quyền Dữ Liệu</strong>" not in body
