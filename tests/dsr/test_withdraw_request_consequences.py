"""A withdrawal request explains the consequences first (domain notes), as the per-consent withdrawal
page does: the customer filing one, and the officer taking one in to read them to the customer, see what
withdrawing each of the customer's live consents means; none ticked means every one of them."""

from __future__ import annotations

import pytest

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

BRANCH_EN = "Online transfers above 10 million VND"
BRANCH_VI = "giao dịch chuyển tiền trực tuyến trên 10 triệu đồng"
NEW = "/{lang}me/requests/new/?type=withdraw"
INTAKE = "/{lang}portal/requests/new/?subject={ref}"


def _biometric():
    # Both the security category and the biometric data category: the sentence stays whichever the
    # standard line is chosen by.
    return make_purpose("bio", category="security", sensitive=True, data_categories=["biometric"])


def _section(page: str) -> str:
    start = page.index('data-testid="withdraw-consequences"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize(("lang", "sentence"), [("en/", BRANCH_EN), ("", BRANCH_VI)])
def test_the_customer_filing_a_withdrawal_is_told_the_biometric_consequence_first(customer_a, lang, sentence):
    grant(customer_a.customer_account.subject, _biometric(), sensitive_acknowledged=True)
    page = signed_in(customer_a).get(NEW.format(lang=lang)).content.decode()
    shown = _section(page)
    assert sentence in shown
    assert 'data-testid="withdraw-consequences-bio"' in shown


@pytest.mark.parametrize(("lang", "sentence"), [("en/", BRANCH_EN), ("", BRANCH_VI)])
def test_the_officer_taking_in_a_withdrawal_sees_the_consequences_to_read_out(officer, lang, sentence):
    # Worded in the customer's language (the officer reads them out): here the page's.
    subject = make_subject(preferred_language="en" if lang else "vi")
    grant(subject, _biometric(), sensitive_acknowledged=True)
    page = signed_in(officer).get(INTAKE.format(lang=lang, ref=subject.external_ref)).content.decode()
    assert sentence in _section(page)


def test_a_customer_without_a_live_consent_is_shown_no_consequence(customer_a):
    withdrawn = grant(customer_a.customer_account.subject, _biometric(), sensitive_acknowledged=True)
    services.consent_withdraw(actor=STAFF, consent_id=withdrawn.pk, channel="branch")
    other = make_subject()
    grant(other, make_purpose("mkt", category="marketing"))
    page = signed_in(customer_a).get(NEW.format(lang="en/")).content.decode()
    assert BRANCH_EN not in page
    assert "offers and product news" not in page
    assert 'data-testid="withdraw-consequences-' not in page
