"""PostgreSQL. Calling off a restriction's stops follows the one lock order (docs/architecture.md): a
refusal or cancellation of the request locks the stops' notices, then the stops, before its first audit
entry (the chain's head). Staff confirming a stop lock its notice, then the duty, and then need the head;
a notice's delivery locks the notice, then its duty, then the head. Neither holds the customer: the
cancel used to write its entries first and lock the stops (and cancel their waiting notices) after,
each side waited for the other and PostgreSQL aborted one ("deadlock detected": a 500 or a failed
cancel)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from audit.services import audit_record
from consents.models import WithdrawalDuty
from consents.services.duty_evidence import duty_notice_locked
from core.actors import Actor
from dsr import services
from dsr.models import OutcomeReason
from dsr.sources import request_id_of_source
from integrations.models import OutboxMessage
from tests.concurrency import lock_waited_for, started_in_other_connection
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import UserFactory, make_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
LATER = MONDAY + timedelta(hours=1)


def _stop_of_a_restriction(**recipient) -> WithdrawalDuty:
    """A verified restriction request on a sharing purpose: its recipient's stop, open."""
    subject = make_subject()
    partner = make_recipient("Bảo hiểm Đối tác", **recipient)
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    verified_request(subject, type="restrict", purposes=["partner-sharing"])
    return WithdrawalDuty.objects.get(recipient=partner)


def _lift_racing(duty: WithdrawalDuty, lift, *, hold_as_the_writer) -> list:
    """Hold what the writer holds before its audit entry (`hold_as_the_writer`), let `lift` (the
    request's refusal or cancellation) run against it, then write the entry: the errors either met."""
    request_id = request_id_of_source(duty.source)
    errors = []
    with transaction.atomic():
        hold_as_the_writer(duty)
        thread, out = started_in_other_connection(lambda: lift(request_id))
        assert lock_waited_for(until=lambda: not thread.is_alive()), out
        try:
            audit_record(
                action="consents.duty.acknowledged", actor=Actor.system("tests"), subject=duty.subject_id
            )
        except DatabaseError as error:
            errors.append(error)
    thread.join(60)
    return errors + ([out["error"]] if "error" in out else [])


def _as_a_confirmation(duty: WithdrawalDuty) -> None:
    """`duty_acknowledge`'s locks, in its order: the duty's notice (none here), the duty."""
    duty_notice_locked(duty.pk)
    WithdrawalDuty.objects.select_for_update(of=("self",)).filter(pk=duty.pk).first()


def _as_a_delivery(duty: WithdrawalDuty) -> None:
    """`duty_notice_delivered`'s locks: the notice being delivered, then its open duty."""
    OutboxMessage.objects.select_for_update().filter(pk=duty.notice_message_id).first()
    WithdrawalDuty.objects.select_for_update(of=("self",)).filter(pk=duty.pk).first()


def _cancel(request_id):
    return services.request_cancel(actor=STAFF, request_id=request_id, now=LATER)


def _refuse(request_id):
    return services.request_reject(
        actor=STAFF, request_id=request_id, reason=OutcomeReason.OTHER, note="Không đủ căn cứ.", now=LATER
    )


@pytest.mark.parametrize("lift", [_cancel, _refuse], ids=["cancel", "refusal"])
def test_a_lift_and_a_confirmation_of_its_stop_do_not_deadlock(lift):
    duty = _stop_of_a_restriction()  # no endpoint: staff confirm by hand

    errors = _lift_racing(duty, lift, hold_as_the_writer=_as_a_confirmation)

    assert not errors, f"deadlock between the call-off and a confirmation: {errors}"
    assert WithdrawalDuty.objects.get(pk=duty.pk).status == WithdrawalDuty.Status.CALLED_OFF


def test_a_cancel_and_the_delivery_of_its_stop_notice_do_not_deadlock():
    duty = _stop_of_a_restriction(
        client=UserFactory(role="integration_client"), url="https://partner.example/h"
    )
    assert duty.notice_message_id is not None

    errors = _lift_racing(duty, _cancel, hold_as_the_writer=_as_a_delivery)

    assert not errors, f"deadlock between the call-off and the notice's delivery: {errors}"
    assert OutboxMessage.objects.get(pk=duty.notice_message_id).status == OutboxMessage.Status.CANCELLED
