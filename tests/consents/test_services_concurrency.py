"""Two channels granting, or withdrawing, at the same instant: the database keeps one live consent."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from consents import services
from consents.models import Consent, ConsentEvent, ConsentState, WithdrawalDuty
from core.errors import Conflict, InvalidTransition
from tests.concurrency import race
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_simultaneous_grants_leave_one_live_consent():
    subject, purpose = make_subject(), make_purpose("marketing", category="marketing")
    request = services.GrantRequest(
        subject=subject, purpose=purpose, notice_version="v1", channel="branch", evidence="form-1"
    )
    outcomes = race([lambda: services.consent_grant(actor=STAFF, request=request)] * 4)
    granted = [o for o in outcomes if isinstance(o, Consent)]
    assert len(granted) == 1
    assert all(isinstance(o, Conflict) and o.code == "already_granted" for o in outcomes if o not in granted)
    assert Consent.objects.filter(subject=subject, status="granted").count() == 1
    assert ConsentEvent.objects.count() == 1 and ConsentState.objects.get().consent_id == granted[0].pk


def test_simultaneous_withdrawals_withdraw_once_with_one_duty_per_recipient():
    recipient = make_recipient("CIC", kind="credit_bureau")
    consent = grant(purpose=make_purpose("sharing", category="sharing", recipients=[recipient]))
    withdraw = partial(services.consent_withdraw, actor=STAFF, consent_id=consent.pk, channel="branch")
    outcomes = race([withdraw] * 4)
    assert sum(isinstance(o, Consent) for o in outcomes) == 1
    assert all(isinstance(o, InvalidTransition) for o in outcomes if not isinstance(o, Consent))
    assert ConsentEvent.objects.filter(kind="withdrawn").count() == 1
    assert WithdrawalDuty.objects.count() == 1
