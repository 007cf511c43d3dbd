"""The deadline sweep against writers of the same customers at the same instant (PostgreSQL: real row
locks), who lock the customer first (`subjects.locks`). A holiday announced locks the customers of the
open requests its day crosses, then those requests in id order; the sweep locked the overdue requests
in deadline order, so with two of them (the older id due later) each held one and waited for the other,
and PostgreSQL aborted one ("deadlock detected"). A deletion being completed holds its customer, writes
its entries (the audit chain's head) and then marks the customer's other open requests; the sweep held
one of them, overdue, while it waited for the head."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from audit.services import audit_record
from deadlines.clocks import deadlines_sweep
from deadlines.models import CalendarDay, DeadlineBreach
from dsr.models import DataSubjectRequest
from dsr.services import policy as policy_services
from subjects.models import DataSubject
from tests.concurrency import lock_waited_for, started_in_other_connection
from tests.dsr.factories import STAFF
from tests.factories import make_subject
from tests.jobs.factories import NOW, request_due
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


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
        assert lock_waited_for(until=lambda: not calendar.is_alive()), changed
        sweep, swept = started_in_other_connection(lambda: deadlines_sweep(now=NOW))
        lock_waited_for(until=lambda: not sweep.is_alive(), count=2)
    for thread in (calendar, sweep):
        thread.join(60)
        assert not thread.is_alive()
    assert "error" not in changed, changed
    assert "error" not in swept, swept
    assert CalendarDay.objects.filter(date=holiday).exists()
    # What is still overdue once the calendar moved the deadlines is breached, by this sweep or the next.
    deadlines_sweep(now=NOW)
    overdue = DataSubjectRequest.objects.filter(pk__in=[first.pk, second.pk], due_at__lte=NOW)
    breached = DeadlineBreach.objects.filter(clock="due").values_list("item_id", flat=True)
    assert {str(pk) for pk in overdue.values_list("pk", flat=True)} == set(breached)


def test_the_sweep_leaves_a_customer_another_writer_holds_for_its_next_run():
    subject = make_subject()
    late = request_due(subject, due_at=NOW - timedelta(hours=1))
    with transaction.atomic():
        # A deletion's completion up to the step where it marks the customer's other open requests
        # (`dsr.services.erasure.platform_copies_erase`): the customer, then its entries.
        DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        audit_record(action="dsr.request.transitioned", actor=STAFF, subject=subject, target=late)
        thread, swept = started_in_other_connection(lambda: deadlines_sweep(now=NOW))
        lock_waited_for(until=lambda: not thread.is_alive(), timeout=5)
        # Its next step writes the customer's open requests: it waits for one the sweep holds.
        DataSubjectRequest.objects.filter(subject=subject).update(assignee=None)
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in swept, swept
    assert swept["value"].breaches == 0
    assert deadlines_sweep(now=NOW).breaches == 1
