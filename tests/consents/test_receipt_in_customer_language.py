"""The staff copy of a consent receipt is what the officer prints for, or reads out to, the customer.
Only its notice text was in the customer's language; the receipt itself was in the staff member's: a
Vietnamese customer served from the English portal got an English receipt. The receipt is now in the
customer's language, marked `lang` (as the request receipt, `language_for_subject`), while the
staff-only parts (the evidence reference, the buttons) stay in the staff member's."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _receipt(staff, consent, language: str) -> tuple[str, str]:
    with translation.override(language):
        url = reverse("consents:staff_receipt", args=[consent.pk])
    page = html.unescape(signed_in(staff).get(url).content.decode())
    article = re.search(r'<article class="card"[^>]*data-testid="receipt".*?</article>', page, re.S).group(0)
    return page, article


def test_an_english_portal_gives_a_vietnamese_customer_a_vietnamese_receipt(officer):
    consent = grant(make_subject(preferred_language="vi"), make_purpose("marketing"))
    page, article = _receipt(officer, consent, "en")
    assert 'lang="vi"' in article.split(">", 1)[0]
    assert "Số biên nhận" in article and "Cơ sở pháp lý" in article
    assert "Receipt number" not in article
    assert "Evidence reference" in article  # for staff only: in their language
    assert ">Print<" in page


def test_a_vietnamese_portal_gives_an_english_reader_an_english_receipt(officer):
    consent = grant(make_subject(preferred_language="en"), make_purpose("marketing"))
    page, article = _receipt(officer, consent, "vi")
    assert 'lang="en"' in article.split(">", 1)[0]
    assert "Receipt number" in article and "Legal basis" in article
    assert "Mã bằng chứng" in article
    assert ">In<" in page
