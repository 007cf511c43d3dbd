"""The customer's own consent page judges each purpose by its version in force, as the consent check and
the grant do, not by its row, which the job (`refresh_purpose_scopes`) updates only minutes after a new
version takes effect: which purposes it offers a switch for, under which category, on which legal basis,
and what a withdrawal is said to mean."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Purpose
from tests.consents.factories import SYSTEM, announce_on_time, changed_a_minute_ago, grant, make_purpose
from tests.factories import signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _section(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def _choices(page: str) -> str:
    """The section of the purposes that need consent (the switches)."""
    return _section(page, 'id="choices-title"', 'id="other-title"')


def _others(page: str) -> str:
    """The section of the purposes on another legal basis."""
    return _section(page, 'id="other-title"', "</section>")


def _page(customer) -> str:
    return signed_in(customer).get("/en/me/consents/").content.decode()


def test_a_purpose_just_moved_to_consent_gets_its_switch(customer_a):
    """The grant already judges it by its version (consent), but the page, reading the row (contract),
    showed it as not needing consent and offered no switch."""
    changed_a_minute_ago("scoring", {"legal_basis": "consent"}, legal_basis="contract", category="analytics")

    page = _page(customer_a)

    assert 'data-testid="switch-scoring"' in _choices(page)
    assert 'data-testid="purpose-scoring"' not in _others(page)
    assert signed_in(customer_a).get("/en/me/consents/scoring/confirm/").status_code == 200


def test_a_purpose_just_moved_to_contract_is_shown_on_its_new_basis(customer_a):
    """The grant would be refused (the version rests on the contract), yet the page offered a switch and
    its confirmation; the purpose is listed among those on another basis, with the contract's badge."""
    changed_a_minute_ago("profiling", {"legal_basis": "contract"}, category="analytics")

    page = _page(customer_a)

    assert 'data-testid="switch-profiling"' not in page
    other = _section(_others(page), 'data-testid="purpose-profiling"', "</li>")
    assert '<span class="badge badge--info">Contract</span>' in other
    assert signed_in(customer_a).get("/en/me/consents/profiling/confirm/").status_code == 404


def test_a_switch_is_grouped_under_its_category_in_force(customer_a):
    changed_a_minute_ago("tips", {"category": "marketing"}, category="analytics")

    choices = _choices(_page(customer_a))

    assert '<h3 class="consent-group">Marketing</h3>' in choices
    assert "Analytics" not in choices


def test_the_withdrawal_says_what_ending_the_consent_means_under_the_category_in_force(customer_a):
    """A consent given while the purpose was analytics; it has since become marketing: withdrawing it
    stops the offers, which the page says, not that the app's use is no longer analysed."""
    subject = customer_a.customer_account.subject
    now = timezone.now()
    purpose = make_purpose("tips", category="analytics", effective_at=now - timedelta(days=90))
    grant(subject, purpose, now=now - timedelta(days=80))
    services.purpose_update(
        actor=SYSTEM,
        code="tips",
        changes={"category": "marketing"},
        effective_at=now - timedelta(minutes=1),
        now=now - timedelta(days=31),
    )
    announce_on_time("tips")
    assert Purpose.objects.get(code="tips").category == "analytics"  # the job has not run

    page = signed_in(customer_a).get("/en/me/consents/tips/withdraw/").content.decode()

    assert "You will no longer receive offers and product news from the bank." in page
    assert "Your use of the app is no longer analysed." not in page


def _queries_with_rebased(customer, start: int, count: int) -> int:
    for index in range(start, start + count):
        changed_a_minute_ago(
            f"moved-{index}", {"legal_basis": "consent"}, legal_basis="contract", category="analytics"
        )
        changed_a_minute_ago(f"left-{index}", {"legal_basis": "contract"}, category="analytics")
    client = signed_in(customer)
    return queries_of(lambda: client.get("/en/me/consents/"))


def test_the_page_reads_the_versions_in_force_at_once_not_once_a_purpose(customer_a):
    with_1 = _queries_with_rebased(customer_a, 0, 1)
    with_4 = _queries_with_rebased(customer_a, 1, 3)

    assert with_4 == with_1
