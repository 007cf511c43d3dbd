"""Withdrawing consent to share with third parties also revokes, for good, the access the customer gave
third parties through the bank (an accounting app reading their accounts: `consents.follow_ups`,
`authorisations_revoke_for_withdrawal_locked`). The consequences are explained first (domain notes), yet the
customer was told only of the purpose's recipients: their accounting app stopped without a word. Now the
consequences name the third parties whose access ends, on every page and in the API, and only when it
ends some."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents import selectors, services
from tests.authorisations.factories import authorise
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

ACCOUNTANT = "Công ty Kế toán Số"  # the third party `authorise` registers


def _told(consent) -> str:
    with translation.override("en"):
        return " ".join(str(line) for line in selectors.withdrawal_consequences(consent))


def test_withdrawing_sharing_names_the_third_parties_whose_access_ends(customer_a):
    subject = customer_a.customer_account.subject
    authorisation = authorise(customer_a)
    sharing = make_purpose("sharing", category="sharing", recipients=[make_recipient("Bảo hiểm Đối tác")])
    consent = grant(subject, sharing)

    told = _told(consent)
    page = signed_in(customer_a).get("/en/me/consents/sharing/withdraw/").content.decode()

    assert ACCOUNTANT in told and "third parties" in told
    assert ACCOUNTANT in page[page.index('data-testid="consequences"') :]
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    authorisation.refresh_from_db()
    assert authorisation.status == "revoked"  # what the customer was told is what happened


def test_nothing_is_said_of_third_parties_when_the_withdrawal_ends_no_access(customer_a):
    subject = customer_a.customer_account.subject
    authorise(customer_a)
    marketing = grant(subject, make_purpose("marketing", category="marketing"))
    sharing = grant(subject, make_purpose("sharing", category="sharing"))
    sharing.subject.authorisations.update(status="revoked")

    assert ACCOUNTANT not in _told(marketing)  # marketing reaches no third party's access
    assert "third parties" not in _told(sharing)  # no live access left to end
