"""The request receipt is what the officer hands over or reads out to the customer ("quote this
reference..."). It was worded in the staff member's portal language, so a Vietnamese customer served
from the English portal got an English receipt; the receipt itself is now in the customer's language,
marked `lang`, while the page around it stays in the staff member's."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.dsr.factories import make_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _receipt(staff, req, language: str) -> tuple[str, str]:
    with translation.override(language):
        url = reverse("dsr:receipt", args=[req.pk])
    page = html.unescape(signed_in(staff).get(url).content.decode())
    article = re.search(r'<article class="card request-receipt".*?</article>', page, re.S).group(0)
    return page, article


def test_an_english_portal_gives_a_vietnamese_customer_a_vietnamese_receipt(officer):
    req = make_request(make_subject(preferred_language="vi"), type="access", channel="call_centre")
    page, article = _receipt(officer, req, "en")
    assert 'lang="vi"' in article.split(">", 1)[0]
    assert "Mã tham chiếu yêu cầu của bạn" in article
    assert "Your request reference" not in article
    assert "Open the request" in page  # the staff member's own buttons stay in their language


def test_a_vietnamese_portal_gives_an_english_reader_an_english_receipt(officer):
    req = make_request(make_subject(preferred_language="en"), type="access", channel="call_centre")
    _, article = _receipt(officer, req, "vi")
    assert 'lang="en"' in article.split(">", 1)[0]
    assert "Your request reference" in article
