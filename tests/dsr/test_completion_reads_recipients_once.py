"""Completing a withdrawal, restriction or objection reads the request's open recipients once: putting
it in force reads them (the longer period when some must stop), and the completion's checks (recipients
not told yet, recipients not confirmed yet) use what it read instead of asking again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.models import WithdrawalDuty
from consents.services import duty_acknowledge
from dsr import services
from dsr.models import DataSubjectRequest
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request

pytestmark = pytest.mark.django_db

# The open recipients' selectors (`dsr.selectors.request_recipients_open`): open duties, first due first.
OPEN = """"consents_withdrawalduty"."status" = 'open'"""
FIRST_DUE_FIRST = 'ORDER BY "consents_withdrawalduty"."due_at" ASC, "consents_recipient"."name" ASC'


def _open_recipients_reads(queries: CaptureQueriesContext) -> int:
    return sum(OPEN in query["sql"] and FIRST_DUE_FIRST in query["sql"] for query in queries.captured_queries)


def _shared(subject) -> None:
    purpose = make_purpose(
        "partner-sharing",
        category="sharing",
        recipients=[make_recipient()],
        effective_at=MONDAY - timedelta(days=30),
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))


def _confirmed_and_tasks_done(request: DataSubjectRequest) -> None:
    for duty in WithdrawalDuty.objects.filter(subject_id=request.subject_id):
        duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Thư xác nhận", now=MONDAY + timedelta(hours=1))
    for task in request.tasks.all():
        services.task_complete(actor=STAFF, task_id=task.pk, now=MONDAY + timedelta(hours=1))


@pytest.mark.parametrize("kind", ["restrict", "object"])
def test_a_restrictions_completion_reads_its_open_recipients_once(subject, kind):
    _shared(subject)
    request = verified_request(subject, type=kind, purposes=["partner-sharing"])
    _confirmed_and_tasks_done(request)

    with CaptureQueriesContext(connection) as queries:
        done = services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))

    assert done.status == "completed"
    assert _open_recipients_reads(queries) == 1


def test_a_withdrawal_put_in_force_at_completion_reads_its_open_recipients_once(subject):
    """A request verified before withdrawals took effect at verification: put in force at completion."""
    _shared(subject)
    request = verified_request(subject, type="withdraw", purposes=["partner-sharing"])
    DataSubjectRequest.objects.filter(pk=request.pk).update(withdrawal_applied_at=None)
    _confirmed_and_tasks_done(request)

    with CaptureQueriesContext(connection) as queries:
        done = services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))

    assert done.status == "completed"
    assert _open_recipients_reads(queries) == 1
