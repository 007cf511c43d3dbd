"""A receipt proves which notice was agreed to: its `text_sha256` covers the notice in both languages,
and the receipt page shows both (the reader's language, and the other one folded), so whoever holds
the page can recompute the hash. The receipt document keeps its shape: a receipt already issued, and
the proof bundles citing its hash, stay the same bytes."""
from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from consents.receipts import RECEIPT_SCHEMA, consent_receipt, notice_texts_agreed
from tests.consents.factories import grant
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_notice_texts_agreed_are_the_ones_the_receipt_hash_covers(customer_a, catalogue):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"])
    texts = notice_texts_agreed(consent)
    assert texts["vi"] and texts["en"] and texts["vi"] != texts["en"]
    receipt = consent_receipt(consent)
    recomputed = hashlib.sha256(f"{texts['vi']}\n\n{texts['en']}".encode()).hexdigest()
    assert recomputed == receipt["notice"]["text_sha256"]
    assert set(receipt["notice"]) == {"version", "effective_at", "text", "text_sha256"}
    assert RECEIPT_SCHEMA.startswith("qdl-consent-receipt/1 ")


@pytest.mark.parametrize(("language", "prefix", "other"), [("vi", "", "en"), ("en", "/en", "vi")])
def test_the_receipt_page_shows_the_notice_in_both_languages(customer_a, catalogue, language, prefix, other):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"])
    texts = notice_texts_agreed(consent)
    with translation.override(language):
        assert consent_receipt(consent)["notice"]["text"] == texts[language]
    page = signed_in(customer_a).get(f"{prefix}/me/consents/{consent.pk}/receipt/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'<p lang="{other}">{texts[other].splitlines()[0]}' in body
