"""A pause stops only a bank clock that is still running: a request already past the bank's 72 hours
when staff wait for the customer stays overdue in every count (the queue's filter, the dashboard, the
deadline report, the month's figures, the sweeper), as a statutory deadline passed before a pause does;
a request paused in time is overdue in none of them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report, monthly_figures
from dsr.selectors import overdue_q, request_counts
from dsr.selectors.deadlines import request_clock_states
from tests.dsr.factories import MONDAY, STAFF, verified_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BANK_DUE = MONDAY + timedelta(hours=72)  # Thursday 12 March 2026, 09:00
FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=VN)


def _pause(request, *, now):
    return services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD", now=now
    )


def _overdue_everywhere(request, now) -> dict[str, object]:
    """How each reader of the clocks judges `request` (the only one) at `now`."""
    totals = deadline_report(now=now)["totals"]
    states = {state["key"]: state["count"] for state in request_clock_states(now=now)}
    request.refresh_from_db()
    return {
        "overdue_q": DataSubjectRequest.objects.filter(overdue_q(now), pk=request.pk).exists(),
        "counts": request_counts(now=now).overdue,
        "report": (totals["overdue"], totals["overdue_bank"]),
        "dashboard": states["overdue_bank"],
        "page": request.is_overdue(now),
    }


def test_a_request_paused_after_its_bank_deadline_stays_overdue(subject):
    request = verified_request(subject, type="access")
    assert request.due_at == BANK_DUE
    _pause(request, now=BANK_DUE + timedelta(hours=6))  # Thursday 15:00, six hours late
    assert _overdue_everywhere(request, FRIDAY) == {
        "overdue_q": True, "counts": 1, "report": (1, 1), "dashboard": 1, "page": True,
    }


def test_a_request_paused_with_time_left_is_overdue_nowhere(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=BANK_DUE - timedelta(hours=48))  # Tuesday 09:00, 48 hours left
    assert _overdue_everywhere(request, FRIDAY) == {
        "overdue_q": False, "counts": 0, "report": (0, 0), "dashboard": 0, "page": False,
    }


def test_a_pause_begun_exactly_at_the_bank_deadline_leaves_it_passed(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=BANK_DUE)
    assert _overdue_everywhere(request, FRIDAY)["counts"] == 1


def test_the_sweeper_breaches_a_bank_clock_that_ran_out_before_the_pause(subject):
    request = verified_request(subject, type="access")
    _pause(request, now=BANK_DUE + timedelta(hours=6))
    deadlines_sweep(now=FRIDAY)
    breached = DeadlineBreach.objects.filter(source="dsr.request", clock="due")
    breached = breached.values_list("item_id", flat=True)
    assert [uuid.UUID(item) for item in breached] == [request.pk]


def test_a_month_ending_in_a_pause_begun_late_counts_the_request_overdue_at_its_end(subject):
    """Received Sat 28 Mar 10:00: bank due Tue 31 Mar 10:00, law 7 Apr; staff wait for the customer
    from 31 March 15:00, five hours late, into April."""
    received = datetime(2026, 3, 28, 10, 0, tzinfo=VN)
    request = verified_request(subject, type="access", now=received)
    _pause(request, now=received + timedelta(hours=77))
    march, april = datetime(2026, 3, 1, tzinfo=VN), datetime(2026, 4, 1, tzinfo=VN)
    totals = monthly_figures(since=march, until=april)["totals"]
    assert (totals["open_at_end"], totals["overdue_at_end"]) == (1, 1)
