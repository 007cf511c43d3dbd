"""A receiver that answers 500 for minutes: every notice waits in the outbox with its backoff and is
delivered, once, after the receiver recovers (the fourth fault the platform must keep holding).

The clock is passed explicitly (`now=`), so three minutes of failures take no real time; the
receiver is a real HTTP server on a free port.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from integrations.outbox import outbox_due_ids
from tests.consents.factories import make_purpose, make_recipient
from tests.factories import UserFactory, make_subject
from tests.reliability.figures import FaultFigures, audit_verdict, duplicates, report
from tests.reliability.servers import Receiver

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

CUSTOMERS = 10


def _sweep(now) -> None:
    """What beat's every-minute `dispatch-due-outbox` and the delivery tasks do, at time `now`."""
    for message_id in outbox_due_ids(now=now):
        outbox_deliver(message_id, now=now)


def test_a_receiver_failing_for_three_minutes_gets_every_notice_once_after_it_recovers(as_user):
    with Receiver() as receiver:
        recipient = make_recipient("Failing partner", client=UserFactory(role=Role.CLIENT), url=receiver.url)
        purpose = make_purpose("fault-receiver", category="sharing", recipients=[recipient])
        api = as_user(UserFactory(role=Role.CLIENT))
        statuses = []
        for _ in range(CUSTOMERS):
            body = {"subject": make_subject().external_ref, "purpose": purpose.code, "notice_version": "v1",
                    "channel": "api", "session": "app-session-1"}
            granted = api.post("/api/v1/consents/", body, format="json")
            statuses.append(granted.status_code)
            withdrawn = api.post(f"/api/v1/consents/{granted.json()['id']}/withdraw/", {"channel": "api"},
                                 format="json")
            statuses.append(withdrawn.status_code)

        receiver.failing = True
        start = timezone.now()
        for minute in range(4):  # the sweep runs every minute; the receiver fails for three of them
            _sweep(start + timedelta(minutes=minute, seconds=1))
        notices = OutboxMessage.objects.filter(endpoint=recipient.endpoint)
        assert receiver.processed == [] and len(receiver.requests) >= CUSTOMERS
        assert set(notices.values_list("status", flat=True)) == {OutboxMessage.Status.PENDING}

        receiver.failing = False
        # The longest backoff after three failures is four minutes; sweep until nothing is due.
        for minute in range(4, 12):
            _sweep(start + timedelta(minutes=minute, seconds=1))

    expected = sorted(str(pk) for pk in notices.values_list("pk", flat=True))
    report(FaultFigures(
        "Receiver answering 500 for three minutes",
        operations=len(statuses), successes=sum(s < 300 for s in statuses),
        server_errors=sum(s >= 500 for s in statuses), notices_expected=len(expected),
        notices_delivered=len(set(receiver.processed)), duplicates_acted_on=duplicates(receiver.processed),
        audit_verify=audit_verdict(),
        note=f"{len(receiver.requests) - len(set(receiver.processed))} failed attempts retried with backoff",
    ))
    assert statuses == [201, 200] * CUSTOMERS
    assert len(expected) == CUSTOMERS
    assert sorted(receiver.processed) == expected
    assert set(notices.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
