"""The call-centre agent reads the consequences of a withdrawal out to the customer before recording it.
The page gave them in the staff member's language, so an agent whose portal is in English read English to
a Vietnamese customer (and Vietnamese to a customer who reads English); the grant page beside it shows
the notice in the customer's language. What the agent reads out is now in the customer's language."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _read_out_section(staff, consent, language: str) -> str:
    with translation.override(language):
        url = reverse("consents:staff_withdraw", args=[consent.pk])
    page = html.unescape(signed_in(staff).get(url).content.decode())
    return re.search(r'<section class="card"[^>]*>.*?</section>', page, re.S).group(0)


def test_an_english_portal_reads_a_vietnamese_customer_the_consequences_in_vietnamese(officer):
    customer = make_subject(preferred_language="vi")
    consent = grant(customer, make_purpose("mkt-vi", category="marketing"))
    section = _read_out_section(officer, consent, "en")
    assert 'lang="vi"' in section
    assert "Bạn sẽ không còn nhận ưu đãi và thông tin sản phẩm từ ngân hàng." in section
    assert "You will no longer receive offers" not in section


def test_a_vietnamese_portal_reads_an_english_reader_the_consequences_in_english(officer):
    customer = make_subject(preferred_language="en")
    consent = grant(customer, make_purpose("mkt-en", category="marketing"))
    section = _read_out_section(officer, consent, "vi")
    assert 'lang="en"' in section
    assert "You will no longer receive offers and product news from the bank." in section


def test_the_consent_form_says_what_a_no_withdraws_in_the_customers_language(officer):
    customer = make_subject(preferred_language="vi")
    grant(customer, make_purpose("mkt-form", category="marketing"))
    with translation.override("en"):
        url = reverse("consents:staff_grant", args=[customer.pk])
    page = html.unescape(signed_in(officer).get(url).content.decode())
    block = re.search(r'data-testid="if-no-mkt-form".*?</div>', page, re.S).group(0)
    assert '<ul lang="vi">' in block
    assert "Bạn sẽ không còn nhận ưu đãi và thông tin sản phẩm từ ngân hàng." in block


@pytest.mark.parametrize("stored", ["", "fr"])
def test_a_customer_with_no_usable_language_is_read_the_consequences_in_the_language_the_bank_writes_to_them(
    officer, stored
):
    """A record with an empty or unsupported preferred language (an old import) is written to in the site
    default (`language_for_subject`): the read-out followed the portal instead, marked `lang=""`."""
    customer = make_subject(preferred_language="vi")
    consent = grant(customer, make_purpose(f"mkt-none{stored}", category="marketing"))
    DataSubject.objects.filter(pk=customer.pk).update(preferred_language=stored)
    section = _read_out_section(officer, consent, "en")
    assert 'lang="vi"' in section
    assert "Bạn sẽ không còn nhận ưu đãi và thông tin sản phẩm từ ngân hàng." in section
