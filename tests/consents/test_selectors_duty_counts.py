"""The dashboard's withdrawal-duty cards count through one selector, in one query."""
from __future__ import annotations

from datetime import timedelta

import pytest

from consents import services
from consents.models import WithdrawalDuty
from consents.selectors import withdrawal_duties_open_counts
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_withdrawal_duty_counts_are_the_open_ones_and_those_past_due(django_assert_num_queries):
    recipients = [make_recipient("Partner Insurance"), make_recipient("Card Processor")]
    consent = grant(make_subject(), make_purpose("sharing", category="sharing", recipients=recipients))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    first, second = WithdrawalDuty.objects.order_by("pk")
    WithdrawalDuty.objects.filter(pk=second.pk).update(
        status=WithdrawalDuty.Status.ACKNOWLEDGED, acknowledged_at=second.due_at
    )
    with django_assert_num_queries(1):
        assert withdrawal_duties_open_counts(now=first.due_at - timedelta(minutes=1)) == (1, 0)
    assert withdrawal_duties_open_counts(now=first.due_at + timedelta(minutes=1)) == (1, 1)
