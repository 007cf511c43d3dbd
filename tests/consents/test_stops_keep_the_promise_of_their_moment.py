"""A recipient's stop is due by the withdrawal promise in force when the bank heard the "no" (the end of a
term, a withdrawal received, a purpose narrowed), even when its duty is opened later (the hourly sweep, a
void, the stops' job) and the DPO shortened the promise in between (`deadlines.history.policies_as_of`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import WithdrawalDuty
from core.actors import actor_for_user
from deadlines.models import DeadlinePolicy, DeadlineRegime
from dsr.services.policy import deadline_policy_update
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PROMISED = timedelta(hours=72)


def _bank_promise_shortened_to(hours: int) -> None:
    row = DeadlinePolicy.objects.get(regime=DeadlineRegime.BANK, request_type="withdraw")
    deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={"period": hours})


def _sharing(*recipients):
    return make_purpose("partner-sharing", category="sharing", recipients=list(recipients),
                        effective_at=timezone.now() - timedelta(days=30))


def _due_times(consent) -> set:
    return set(WithdrawalDuty.objects.stops().filter(consent=consent).values_list("received_at", "due_at"))


def test_the_sweep_times_a_term_that_ended_before_the_edit_by_the_promise_then():
    now = timezone.now()
    consent = grant(purpose=_sharing(make_recipient("CIC")), now=now - timedelta(days=10),
                    expires_at=now - timedelta(hours=2))
    _bank_promise_shortened_to(48)

    services.consents_expire_due(now=timezone.now())

    assert _due_times(consent) == {(consent.expires_at, consent.expires_at + PROMISED)}


def test_a_void_times_a_term_that_ended_before_the_edit_by_the_promise_then():
    now = timezone.now()
    consent = grant(purpose=_sharing(make_recipient("CIC")), now=now - timedelta(hours=3),
                    expires_at=now - timedelta(hours=1))
    _bank_promise_shortened_to(48)

    services.consent_void(actor=actor_for_user(UserFactory(role="dpo")), consent_id=consent.pk,
                          reason="wrong_customer", note="CIF mistyped at the counter.", now=timezone.now())

    assert _due_times(consent) == {(consent.expires_at, consent.expires_at + PROMISED)}


def test_a_narrowing_that_took_effect_before_the_edit_is_timed_by_the_promise_then():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    _bank_promise_shortened_to(48)

    services.scope_stops_run_queued(now=timezone.now())

    duty = WithdrawalDuty.objects.get()
    assert duty.due_at == duty.received_at + PROMISED


def test_a_narrowing_that_takes_effect_after_the_edit_is_timed_by_the_new_promise():
    insurer, broker = make_recipient("Insurer"), make_recipient("Broker")
    purpose = _sharing(insurer, broker)
    grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    _bank_promise_shortened_to(48)
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])

    services.scope_stops_run_queued(now=timezone.now())

    duty = WithdrawalDuty.objects.get()
    assert duty.due_at == duty.received_at + timedelta(hours=48)
