"""The pages that quote how soon recipients must stop after a withdrawal (or a void) name whose period it
is: the bank's commitment where the bank's row is in force, the legal deadline where, without one, the
law's period times the duties. They said "the bank's deadline (20 calendar days)" for the law's period."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from deadlines.models import DeadlinePolicy, DeadlineRegime
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

# Law 91's period for a withdrawal with a processor, which times the duties when the bank sets none.
LAW_PERIOD = {"en": "20 calendar days", "vi": "20 ngày"}
WHOSE = {
    "en": {"bank": "the bank's commitment", "law": "the legal deadline"},
    "vi": {"bank": "thời hạn ngân hàng cam kết", "law": "thời hạn luật định"},
}
# How a page words the bank's own deadline, in any sentence.
SAYS_BANK = {"en": r"bank's (commitment|deadline)", "vi": r"ngân hàng cam kết|thời hạn của ngân hàng"}


def _bank_withdraw_rows():
    return DeadlinePolicy.objects.filter(regime=DeadlineRegime.BANK, request_type="withdraw")


@pytest.fixture(params=["deleted", "deactivated"])
def no_bank_row(request):
    """The bank's row for withdrawals gone from the table, or kept but switched off."""
    if request.param == "deleted":
        _bank_withdraw_rows().delete()
    else:
        assert _bank_withdraw_rows().update(active=False)


def _staff_urls(consent, language: str) -> list[str]:
    """The staff pages that quote the period, under the language's URL prefix."""
    with translation.override(language):
        return [
            reverse("consents:staff_void", args=[consent.pk]),
            reverse("consents:duty_list"),
            reverse("consents:report"),
            reverse("consents:staff_receipt", args=[consent.pk]),
            reverse("consents:staff_withdraw", args=[consent.pk]),
        ]


def _purpose_with_a_recipient():
    return make_purpose("sharing", category="sharing", recipients=[make_recipient()])


@pytest.mark.parametrize("language", ["en", "vi"])
def test_with_no_bank_row_the_staff_pages_name_the_legal_deadline(dpo, no_bank_row, language):
    # The withdrawal page words what staff read out in the customer's language: the same as the page's here.
    consent = grant(make_subject(preferred_language=language), _purpose_with_a_recipient())
    client = signed_in(dpo)
    for url in _staff_urls(consent, language):
        page = html.unescape(client.get(url).content.decode())
        assert f"{WHOSE[language]['law']} ({LAW_PERIOD[language]}" in page, url
        assert not re.search(SAYS_BANK[language], page), url


@pytest.mark.parametrize("language", ["en", "vi"])
def test_with_no_bank_row_the_customer_pages_name_the_legal_deadline(customer_a, no_bank_row, language):
    purpose = _purpose_with_a_recipient()
    consent = grant(customer_a.customer_account.subject, purpose, channel="mobile_app")
    client = signed_in(customer_a)
    with translation.override(language):
        urls = [
            reverse("consents:me_receipt", args=[consent.pk]),
            reverse("consents:me_withdraw", args=[purpose.code]),
        ]
    for url in urls:
        page = html.unescape(client.get(url).content.decode())
        assert f"{WHOSE[language]['law']} ({LAW_PERIOD[language]}" in page, url
        assert not re.search(SAYS_BANK[language], page), url


@pytest.mark.parametrize("language", ["en", "vi"])
def test_with_the_bank_row_in_force_the_pages_name_the_banks_commitment(dpo, language):
    consent = grant(make_subject(preferred_language=language), _purpose_with_a_recipient())
    client = signed_in(dpo)
    hours = {"en": "72 hours", "vi": "72 giờ"}[language]
    for url in _staff_urls(consent, language):
        page = html.unescape(client.get(url).content.decode())
        assert f"{WHOSE[language]['bank']} ({hours})" in page, url
        assert WHOSE[language]["law"] not in page, url
