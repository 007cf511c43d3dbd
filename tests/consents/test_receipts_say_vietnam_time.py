"""Receipts name the clock their times are on. A customer in California (14 or 15 hours behind Hà Nội) who
withdraws a consent at 23:30 on 5 December reads "06/12/2026 14:30" on the receipt: without a zone that is
the wrong day and the wrong hour, and a receipt is the proof they keep. The customer pages said "Vietnam time
(UTC+7)" since the clocks review; the consent receipt a customer opens in self-service, and the request
receipt an officer prints or reads out, did not. Customer-abroad review."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.consents.factories import grant
from tests.dsr.factories import make_request
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

VIETNAM_TIME = {"en": "Vietnam time (UTC+7)", "vi": "giờ Việt Nam (UTC+7)"}


def test_the_consent_receipt_the_customer_opens_says_its_times_are_vietnam_time(customer_a, catalogue):
    consent = grant(customer_a.customer_account.subject, catalogue["sharing"], channel="branch")
    with translation.override("en"):
        url = reverse("consents:me_receipt", args=[consent.pk])
    page = html.unescape(signed_in(customer_a).get(url).content.decode())
    assert VIETNAM_TIME["en"] in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_request_receipt_says_the_day_received_is_vietnam_time(officer, language):
    req = make_request(make_subject(preferred_language=language), type="withdraw", channel="call_centre")
    page = html.unescape(signed_in(officer).get(reverse("dsr:receipt", args=[req.pk])).content.decode())
    article = re.search(r'<article class="card request-receipt".*?</article>', page, re.S).group(0)
    assert VIETNAM_TIME[language].lower() in article.lower()
