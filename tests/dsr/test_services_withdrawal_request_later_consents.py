"""A withdrawal request withdraws the consents live when the bank received it; a consent the customer
gives after filing it (a fresh, affirmative act) stands (docs/requests.md: "a consent the customer gives
meanwhile stands"). Withdrawing it at verification opened a duty whose clock ran from the request's
receipt, before the consent existed: born overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import ConsentStatus, WithdrawalDuty
from consents.selectors import consent_check
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_request, verify

pytestmark = pytest.mark.django_db


def test_a_consent_given_after_the_request_of_every_consent_stands(subject):
    now = timezone.now()
    purpose = make_purpose("share-x", category="sharing", recipients=[make_recipient("Partner X")])
    earlier = grant(subject, make_purpose("mkt-x", category="marketing"), now=now - timedelta(days=5))
    request = make_request(subject, type="withdraw", actor=STAFF, now=now - timedelta(days=4))
    later = grant(subject, purpose, now=now - timedelta(days=1))

    verify(request, now=now)

    earlier.refresh_from_db()
    later.refresh_from_db()
    assert earlier.status == ConsentStatus.WITHDRAWN
    assert later.status == ConsentStatus.GRANTED
    assert consent_check(subject_ref=subject.external_ref, purpose_code="share-x").allowed
    assert not WithdrawalDuty.objects.filter(consent=later).exists()


def test_a_fresh_yes_after_the_request_naming_its_purpose_stands(subject):
    now = timezone.now()
    purpose = make_purpose("share-y", category="sharing", recipients=[make_recipient("Partner Y")])
    first = grant(subject, purpose, now=now - timedelta(days=6))
    request = make_request(subject, type="withdraw", purposes=["share-y"], actor=STAFF,
                           now=now - timedelta(days=5))
    # Meanwhile the customer switches it off, then on again.
    services.consent_withdraw(actor=STAFF, consent_id=first.pk, channel="branch", now=now - timedelta(days=4))
    again = grant(subject, purpose, now=now - timedelta(days=1))

    verify(request, now=now)

    again.refresh_from_db()
    assert again.status == ConsentStatus.GRANTED
    assert not WithdrawalDuty.objects.filter(consent=again).exists()
