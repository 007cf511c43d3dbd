"""The deadline sweep and a calendar change at the same instant (PostgreSQL: real row locks). A holiday
announced locks the customers of the open requests its day crosses, then those requests in id order;
the sweep locked the overdue requests in deadline order, so with two of them (the older id due later)
each held one and waited for the other, and PostgreSQL aborted one ("deadlock detected")."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from deadlines.clocks import deadlines_sweep
from deadlines.models import CalendarDay, DeadlineBreach
from dsr.models import DataSubjectRequest
from dsr.services import policy as policy_services
from tests.concurrency import started_in_other_connection
from tests.dsr.factories import STAFF
from tests.factories import make_subject
from tests.jobs.factories import NOW, request_due
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


def _waiting(count: int, *, until, timeout: float = 20) -> bool:
    """Wait until `count` other connections wait for a lock (or `until()` is true); whether they did."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not until():
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return True
            time.sleep(0.05)
    return False


def test_a_holiday_announced_while_the_sweep_breaches_two_requests_deadlocks_neither():
    first, second = sorted(
        (request_due(make_subject(), due_at=NOW - timedelta(hours=1)) for _ in range(2)),
        key=lambda request: request.pk,
    )
    # The sweep reaches overdue requests by deadline: here the one with the larger id first.
    DataSubjectRequest.objects.filter(pk=first.pk).update(due_at=NOW - timedelta(hours=1))
    DataSubjectRequest.objects.filter(pk=second.pk).update(due_at=NOW - timedelta(hours=2))
    holiday = (NOW + timedelta(days=5)).date()  # before both statutory deadlines: it crosses both
    with transaction.atomic():
        # Staff hold the first request a moment, so the two services meet on it in this order.
        DataSubjectRequest.objects.select_for_update().get(pk=first.pk)
        calendar, changed = started_in_other_connection(
            lambda: policy_services.calendar_day_set(actor=STAFF, day=holiday, kind="holiday", name="Nghỉ bù")
        )
        assert _waiting(1, until=lambda: not calendar.is_alive()), changed
        sweep, swept = started_in_other_connection(lambda: deadlines_sweep(now=NOW))
        _waiting(2, until=lambda: not sweep.is_alive())
    for thread in (calendar, sweep):
        thread.join(60)
        assert not thread.is_alive()
    assert "error" not in changed, changed
    assert "error" not in swept, swept
    assert CalendarDay.objects.filter(date=holiday).exists()
    # Whatever the sweep found overdue once it held the requests, it recorded as a breach.
    overdue = DataSubjectRequest.objects.filter(pk__in=[first.pk, second.pk], due_at__lte=NOW)
    breached = DeadlineBreach.objects.filter(clock="due").values_list("item_id", flat=True)
    assert {str(pk) for pk in overdue.values_list("pk", flat=True)} == set(breached)
