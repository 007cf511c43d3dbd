"""A receipt proves which notice was agreed to: it carries the notice in both languages the hash covers,
so whoever holds the receipt (the customer, the regulator) can recompute `text_sha256` from the receipt
alone, whatever language it was read in. The page shows the reader's language and offers the other."""
from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from consents.receipts import consent_receipt
from tests.consents.factories import grant
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_receipt_carries_both_texts_its_hash_covers(customer_a, catalogue, language):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"])
    with translation.override(language):
        notice = consent_receipt(consent)["notice"]
    texts = notice["texts"]
    assert texts["vi"] and texts["en"] and texts["vi"] != texts["en"]
    assert notice["text"] == texts[language]
    recomputed = hashlib.sha256(f"{texts['vi']}\n\n{texts['en']}".encode()).hexdigest()
    assert recomputed == notice["text_sha256"]


def test_the_receipt_page_offers_the_notice_in_the_other_language(customer_a, catalogue):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"])
    texts = consent_receipt(consent)["notice"]["texts"]
    page = signed_in(customer_a).get(f"/en/me/consents/{consent.pk}/receipt/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'lang="vi"' in body and texts["vi"].splitlines()[0] in body
