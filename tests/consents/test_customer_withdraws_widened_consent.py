"""A consent to a version since widened still stands (the check answers `reconsent_required`, nothing is
inferred from the customer's silence) until the customer withdraws it: the self-service page, the channel
it was given through, offers that withdrawal beside the switch (off, as the bank may not use it), as the
receipt promises ("You may withdraw this consent at any time, through any channel")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, WithdrawalDuty
from tests.consents.factories import grant, make_purpose, make_recipient, version_in_force_since
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _widened_sharing_consent(subject) -> Consent:
    partner, insurer = make_recipient("Đối tác Một"), make_recipient("Bảo hiểm Hai")
    sharing = make_purpose(
        "sharing", category="sharing", recipients=[partner], effective_at=timezone.now() - timedelta(days=90)
    )
    consent = grant(subject, sharing, channel="internet_banking", evidence="")
    version_in_force_since("sharing", {}, recipients=[partner, insurer], ago=timedelta(days=1))
    return consent


def test_the_page_offers_to_withdraw_a_consent_to_a_widened_version(customer_a):
    subject = customer_a.customer_account.subject
    consent = _widened_sharing_consent(subject)
    client = signed_in(customer_a)

    page = client.get("/en/me/consents/").content.decode()

    card = page[page.index('id="purpose-sharing"') :]
    card = card[: card.index("</article>")]
    assert 'data-testid="reconsent-sharing"' in card  # the switch is off: the bank may not use it
    assert 'href="/en/me/consents/sharing/withdraw/"' in card
    confirmation = client.get("/en/me/consents/sharing/withdraw/").content.decode()
    assert 'data-testid="consequences"' in confirmation and "Đối tác Một" in confirmation
    client.post("/en/me/consents/sharing/withdraw/", {"reason": ""})
    consent.refresh_from_db()
    assert consent.status == "withdrawn" and consent.withdrawal_channel == "internet_banking"
    assert WithdrawalDuty.objects.filter(consent=consent, recipient__name="Đối tác Một").exists()


def test_no_withdrawal_is_offered_where_nothing_stands(customer_a):
    make_purpose("sharing", category="sharing", recipients=[make_recipient("Đối tác Một")])

    page = signed_in(customer_a).get("/en/me/consents/").content.decode()

    assert "/en/me/consents/sharing/withdraw/" not in page
