"""The customer's withdraw page offers a withdrawal exactly when the staff page would
(`consents.selectors.consent_withdraw_refusal`): a granted consent past its term (not yet swept by the
hourly job) has ended, so the page says so at once, and that nothing is processed on its basis, instead
of a confirmation the service then refuses; the same for a purpose that relies on another legal basis.
My consents offers no withdrawal for such a consent either."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consents.models import Consent, ConsentEvent, ConsentStatus
from tests.consents.factories import grant, make_purpose, version_in_force_since
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

SAID = {
    "past_term": "Your consent's term ended on",
    "not_consent_based": "This purpose relies on another legal basis, not on consent",
}


def _consent(customer, case: str) -> Consent:
    now = timezone.now()
    purpose = make_purpose("analysis", category="analytics", effective_at=now - timedelta(days=90))
    # Granted ten days ago for a term that ran out yesterday: the hourly sweep has not recorded it yet.
    term = {"expires_at": now - timedelta(days=1)} if case == "past_term" else {}
    subject = customer.customer_account.subject
    consent = grant(subject, purpose, channel="mobile_app", now=now - timedelta(days=10), **term)
    if case == "not_consent_based":
        version_in_force_since(purpose.code, {"legal_basis": "contract"}, ago=timedelta(minutes=1))
    return consent


def _url() -> str:
    with translation.override("en"):
        return reverse("consents:me_withdraw", args=["analysis"])


@pytest.mark.parametrize("case", ["past_term", "not_consent_based"])
def test_the_customer_page_says_at_once_there_is_nothing_to_withdraw(customer_a, case):
    consent = _consent(customer_a, case)
    client = signed_in(customer_a)

    page = html.unescape(client.get(_url()).content.decode())
    assert 'data-testid="withdraw-not-live"' in page
    assert SAID[case] in page
    assert 'data-testid="confirm-withdraw"' not in page and 'name="reason"' not in page
    if case == "past_term":
        assert "the bank processes nothing on its basis" in page
        assert f"{timezone.localtime(consent.expires_at):%d/%m/%Y}" in page, page

    posted = client.post(_url(), {"reason": ""})
    assert posted.status_code == 409
    assert 'data-testid="withdraw-not-live"' in posted.content.decode()
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED  # left to the sweep: the page wrote nothing
    assert not consent.events.exclude(kind=ConsentEvent.Kind.GRANTED).exists()


def test_my_consents_offers_no_withdrawal_of_a_consent_past_its_term(customer_a):
    _consent(customer_a, "past_term")
    with translation.override("en"):
        page = signed_in(customer_a).get(reverse("consents:me_consents")).content.decode()
    assert 'data-testid="withdraw-analysis"' not in page and _url() not in page
    assert 'data-testid="switch-analysis"' in page
    switch = page.split('data-testid="switch-analysis"')[0].rsplit("<input", 1)[1]
    assert "checked" not in switch  # off: turning it on asks for consent again, it withdraws nothing


def test_a_consent_in_force_still_gets_the_confirmation(customer_a):
    _consent(customer_a, "granted")
    page = signed_in(customer_a).get(_url()).content.decode()
    assert 'data-testid="confirm-withdraw"' in page and 'data-testid="withdraw-not-live"' not in page
