"""A closed request reads late or on time the same in Python (`DataSubjectRequest.closed_late`, the request
page, the webhook) and in the database (`dsr.selectors.with_closed_late`: the queue's late filter, its CSV
and the report), whether or not it was waiting for the customer when it was closed: closing ends the
pause first (`request_transition`), so no closed request is read under a stopped bank clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsr import services
from dsr.models import DataSubjectRequest
from dsr.selectors import CLOSED_LATE, request_queue, with_closed_late
from tests.dsr.factories import MONDAY, STAFF, refused_after_waiting, verified_request

pytestmark = pytest.mark.django_db
BANK_DUE = MONDAY + timedelta(hours=72)


@pytest.mark.parametrize(
    ("paused", "closed"),
    [
        (BANK_DUE - timedelta(hours=48), BANK_DUE + timedelta(hours=30)),  # in time: the clock moved
        (BANK_DUE - timedelta(hours=2), BANK_DUE + timedelta(days=9)),  # in time, past the law's 10 days
        (BANK_DUE + timedelta(hours=6), BANK_DUE + timedelta(hours=30)),  # after the bank's deadline
    ],
)
def test_closed_straight_from_a_pause_python_and_sql_agree(subject, paused, closed):
    request = verified_request(subject, type="access")
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD", now=paused
    )
    answered = refused_after_waiting(request, now=closed)

    assert answered.paused_at is None
    (read,) = with_closed_late(DataSubjectRequest.objects.filter(pk=request.pk))
    listed_late = request_queue(closed=CLOSED_LATE, now=closed).filter(pk=request.pk).exists()
    assert answered.closed_late is read.late_for_rates is listed_late
