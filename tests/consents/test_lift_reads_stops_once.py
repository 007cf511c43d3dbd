"""Lifting a restriction reads its stops once: the lock taken before the lift's first audit entry
(`restriction_stops_lock`) returns the stops, their waiting notices and the open stops it locked, and the
resumption notices, the notices' cancellation and the call-off of the open stops use them instead of
selecting (and locking) them again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.models import WithdrawalDuty
from dsr import services
from dsr.sources import request_source
from integrations.models import OutboxMessage
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _restricted(subject):
    """A verified restriction on a sharing purpose: its partner's stop open, the stop notice waiting."""
    partner = make_recipient(
        "Bảo hiểm Đối tác", client=UserFactory(role="integration_client"), url="https://partner.example/h"
    )
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    return verified_request(subject, type="restrict", purposes=["partner-sharing"])


def _reads(queries: CaptureQueriesContext, *marks: str) -> int:
    return sum(all(mark in query["sql"] for mark in marks) for query in queries.captured_queries)


def test_a_cancelled_restriction_reads_its_stops_and_their_notices_once(subject):
    request = _restricted(subject)
    (stop,) = WithdrawalDuty.objects.filter(kind=WithdrawalDuty.Kind.RESTRICTION)
    assert OutboxMessage.objects.get(pk=stop.notice_message_id).status == "pending"

    with CaptureQueriesContext(connection) as queries:
        services.request_cancel(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))

    stop.refresh_from_db()
    assert stop.status == WithdrawalDuty.Status.CALLED_OFF
    assert OutboxMessage.objects.get(pk=stop.notice_message_id).status == "cancelled"
    source = f'"consents_withdrawalduty"."source" = \'{request_source(request)}\''
    assert _reads(queries, 'FROM "consents_withdrawalduty"', source, "'restriction'") == 1
    open_by_id = ('FROM "consents_withdrawalduty"', '"consents_withdrawalduty"."id" IN', "= 'open'")
    assert _reads(queries, *open_by_id) == 1
    waiting_by_id = ('FROM "core_outboxmessage"', '"core_outboxmessage"."id" IN', "('pending', 'parked')")
    assert _reads(queries, *waiting_by_id) == 1
