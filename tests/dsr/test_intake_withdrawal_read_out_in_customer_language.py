"""The call-centre agent taking in a withdrawal request reads its consequences out before saving it. The
intake page worded them in the staff member's portal language, so an agent on the English portal read
English to a Vietnamese customer; they are now in the customer's language, marked `lang`."""

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


def _consequences(staff, customer, language: str) -> str:
    with translation.override(language):
        url = reverse("dsr:intake")
    page = html.unescape(signed_in(staff).get(url, {"subject": customer.external_ref}).content.decode())
    return re.search(r'<section class="withdraw-consequences".*?</section>', page, re.S).group(0)


def test_an_english_portal_reads_a_vietnamese_customer_what_a_withdrawal_ends_in_vietnamese(officer):
    customer = make_subject(preferred_language="vi")
    grant(customer, make_purpose("mkt-intake", category="marketing"))
    section = _consequences(officer, customer, "en")
    assert '<dl lang="vi">' in section
    assert "Bạn sẽ không còn nhận ưu đãi và thông tin sản phẩm từ ngân hàng." in section
    assert "Mục đích mkt-intake" in section
    assert "You will no longer receive offers" not in section


def test_a_vietnamese_portal_reads_an_english_reader_what_a_withdrawal_ends_in_english(officer):
    customer = make_subject(preferred_language="en")
    grant(customer, make_purpose("mkt-intake-en", category="marketing"))
    section = _consequences(officer, customer, "vi")
    assert '<dl lang="en">' in section
    assert "You will no longer receive offers and product news from the bank." in section


@pytest.mark.parametrize("stored", ["", "fr"])
def test_a_customer_with_no_usable_language_is_read_what_a_withdrawal_ends_in_the_site_default(
    officer, stored
):
    """An empty or unsupported preferred language (an old import) means the site default, the language the
    bank writes to them in (`language_for_subject`), not the portal's with `lang=""`."""
    customer = make_subject(preferred_language="vi")
    grant(customer, make_purpose(f"mkt-intake-none{stored}", category="marketing"))
    DataSubject.objects.filter(pk=customer.pk).update(preferred_language=stored)
    section = _consequences(officer, customer, "en")
    assert '<dl lang="vi">' in section
    assert "Bạn sẽ không còn nhận ưu đãi và thông tin sản phẩm từ ngân hàng." in section
