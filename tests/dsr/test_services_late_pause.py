"""A pause credits each clock only with the time it really stood still: a clock that had run out when
the request began to wait for the customer is not moved when the wait ends, now or at any later
recomputation (the extension, a processor), so a request answered after it counts as closed late; a
clock paused in time still moves by the whole pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from deadlines.models import DeadlinePolicy
from dsr import services
from dsr.reports import deadline_report, monthly_figures
from dsr.services.base import clock_processor_involved, request_locked
from tests.dsr.factories import MONDAY, STAFF, end_of, refused_after_waiting, verified_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BANK_DUE = MONDAY + timedelta(hours=72)  # Thursday 12 March 2026, 09:00
LATE_PAUSE = BANK_DUE + timedelta(hours=6)  # Thursday 15:00
FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=VN)
LAW_91_ACCESS = end_of(date(2026, 3, 19))  # 10 days from Monday 9 March 2026
MARCH, APRIL = datetime(2026, 3, 1, tzinfo=VN), datetime(2026, 4, 1, tzinfo=VN)


def _pause(request, *, now):
    return services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD", now=now
    )


def _resume(request, *, now):
    return services.request_transition(actor=STAFF, request_id=request.pk, to="in_progress", now=now)


def _processor_involved(request, *, now):
    with transaction.atomic():
        locked, now = request_locked(request.pk, now=now)
        clock_processor_involved(locked, actor=STAFF, now=now)
    return locked


def test_a_pause_begun_after_the_bank_deadline_does_not_move_it(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=LATE_PAUSE)
    resumed = _resume(request, now=FRIDAY)
    assert resumed.due_at == BANK_DUE
    assert resumed.is_overdue(FRIDAY)
    # The time spent waiting is still recorded in full.
    assert resumed.paused_seconds == (FRIDAY - LATE_PAUSE).total_seconds()


def test_answered_after_a_late_pause_the_request_counts_as_closed_late(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=LATE_PAUSE)
    _resume(request, now=FRIDAY)
    closed = refused_after_waiting(request, now=FRIDAY + timedelta(hours=1))
    assert (closed.due_at, closed.closed_late) == (BANK_DUE, True)
    month = monthly_figures(since=MARCH, until=APRIL)["totals"]
    assert (month["closed_on_time"], month["closed_late"]) == (0, 1)
    report = deadline_report(now=APRIL, since=MARCH, until=APRIL)["totals"]
    assert (report["closed_on_time"], report["closed_late"]) == (0, 1)


def test_a_month_that_ended_in_a_late_pause_still_counts_it_overdue_once_resumed(subject):
    """Received Sat 28 Mar 10:00: bank due Tue 31 Mar 10:00; staff wait for the customer from 31 March
    15:00, five hours late, until 2 April: March's figures, read in April, keep it overdue at its end."""
    received = datetime(2026, 3, 28, 10, 0, tzinfo=VN)
    request = verified_request(subject, type="access", now=received)
    _pause(request, now=received + timedelta(hours=77))
    _resume(request, now=datetime(2026, 4, 2, 10, 0, tzinfo=VN))
    totals = monthly_figures(since=MARCH, until=APRIL)["totals"]
    assert (totals["open_at_end"], totals["overdue_at_end"]) == (1, 1)


def test_closing_straight_from_a_late_pause_counts_it_closed_late(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=LATE_PAUSE)
    closed = refused_after_waiting(request, now=FRIDAY)
    assert closed.due_at == BANK_DUE
    assert closed.closed_late


def test_a_pause_begun_in_time_moves_the_bank_deadline_by_its_whole_length(subject):
    request = verified_request(subject, type="access")
    paused_at = BANK_DUE - timedelta(hours=48)  # Tuesday 09:00, 48 hours left
    _pause(request, now=paused_at)
    resumed = _resume(request, now=FRIDAY)
    assert resumed.due_at == BANK_DUE + (FRIDAY - paused_at)
    closed = refused_after_waiting(request, now=FRIDAY + timedelta(hours=1))
    assert not closed.closed_late


def test_of_two_pauses_only_the_one_begun_in_time_moves_the_bank_deadline(subject):
    request = verified_request(subject, type="access")
    first = BANK_DUE - timedelta(hours=10)
    _pause(request, now=first)
    moved = _resume(request, now=first + timedelta(hours=4))
    assert moved.due_at == BANK_DUE + timedelta(hours=4)
    _pause(request, now=moved.due_at + timedelta(hours=1))
    resumed = _resume(request, now=FRIDAY)
    assert resumed.due_at == BANK_DUE + timedelta(hours=4)


def test_the_extension_after_a_late_pause_does_not_add_it_back(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=LATE_PAUSE)
    _resume(request, now=FRIDAY)
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Cần thêm thời gian tra soát", now=FRIDAY + timedelta(days=1)
    )
    assert extended.due_at == BANK_DUE
    assert extended.statutory_due_at == end_of(date(2026, 3, 29))  # Law 91's 10 days, and 10 more


def test_a_pausable_statutory_clock_paused_after_its_deadline_is_not_moved(subject):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = verified_request(subject, type="access")
    late = LAW_91_ACCESS + timedelta(hours=2)
    _pause(request, now=late)
    resumed = _resume(request, now=late + timedelta(days=3))
    assert (resumed.due_at, resumed.statutory_due_at) == (BANK_DUE, LAW_91_ACCESS)
    closed = refused_after_waiting(request, now=late + timedelta(days=3, hours=1))
    assert closed.closed_late


def test_a_pausable_statutory_clock_paused_in_time_moves_when_the_bank_one_had_run_out(subject):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = verified_request(subject, type="access")
    _pause(request, now=LATE_PAUSE)
    resumed = _resume(request, now=FRIDAY)
    assert (resumed.due_at, resumed.statutory_due_at) == (BANK_DUE, LAW_91_ACCESS + (FRIDAY - LATE_PAUSE))


def test_a_processor_after_a_late_statutory_pause_does_not_add_it_back(subject):
    """A rectification: Law 91's 10 days, 15 when a processor must act; the 10 had run out, so the
    deadline stays (tests/dsr/test_services_fallen_due_stays.py)."""
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="rectify").update(pausable=True)
    request = verified_request(subject, type="rectify")
    law_due = end_of(date(2026, 3, 19))
    assert request.statutory_due_at == law_due
    late = law_due + timedelta(hours=2)
    _pause(request, now=late)
    resumed = _resume(request, now=late + timedelta(days=2))
    assert resumed.statutory_due_at == law_due
    involved = _processor_involved(request, now=late + timedelta(days=2, hours=1))
    assert involved.statutory_due_at == law_due
