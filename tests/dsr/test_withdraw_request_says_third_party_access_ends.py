"""A withdrawal request with no purpose ticked withdraws every consent and ends, for good, every access
the customer gave third parties through the bank (`authorisations_revoke_for_withdrawal_locked`), even
when none of their consents is to share. The page explaining it first listed only the consents, or said
"There is no consent in force that a withdrawal would end", and the accounting app stopped unannounced.
Now the customer filing it, and the officer taking it in, are told which third parties' access it ends."""

from __future__ import annotations

import pytest

from tests.authorisations.factories import authorise
from tests.consents.factories import grant, make_purpose
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

ACCOUNTANT = "Công ty Kế toán Số"  # the third party `authorise` registers


def _section(page: str) -> str:
    start = page.index('data-testid="withdraw-consequences"')
    return page[start : page.index("</section>", start)]


def test_the_customer_filing_a_withdrawal_is_told_third_party_access_ends(customer_a):
    subject = customer_a.customer_account.subject
    authorise(customer_a)
    grant(subject, make_purpose("marketing", category="marketing"))

    told = _section(signed_in(customer_a).get("/en/me/requests/new/?type=withdraw").content.decode())

    assert 'data-testid="withdraw-all-ends"' in told and ACCOUNTANT in told


def test_the_officer_is_told_it_too_even_with_no_consent_in_force(customer_a, officer):
    subject = customer_a.customer_account.subject
    authorise(customer_a)

    page = signed_in(officer).get(f"/en/portal/requests/new/?subject={subject.external_ref}").content.decode()

    told = _section(page)
    assert ACCOUNTANT in told and "There is no consent in force" not in told


def test_nothing_is_said_of_third_parties_without_access_to_end(customer_a):
    grant(customer_a.customer_account.subject, make_purpose("marketing", category="marketing"))

    told = _section(signed_in(customer_a).get("/en/me/requests/new/?type=withdraw").content.decode())

    assert 'data-testid="withdraw-all-ends"' not in told
