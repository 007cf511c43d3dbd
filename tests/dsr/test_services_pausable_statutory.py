"""A statutory row the DPO marks pausable (another regime than Law 91, e.g. a group's GDPR policy): while
the request waits for the customer its clock stands still, so it is neither reminded, nor breached,
nor counted overdue during the pause, and its deadline moves by the pause when the pause ends. A row
that may not pause (Law 91) keeps running through the pause."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlinePolicy, DeadlineReminder
from dsr import services
from dsr.reports import deadline_report
from dsr.selectors import request_counts
from dsr.selectors.deadlines import request_clock_states
from tests.dsr.factories import MONDAY, STAFF, end_of, refused_after_waiting, verified_request

pytestmark = pytest.mark.django_db

PAUSED_AT = MONDAY + timedelta(hours=1)
LAW_91_ACCESS = end_of(date(2026, 3, 19))  # 10 days from Monday 9 March 2026


def _pause(request, *, now=PAUSED_AT):
    return services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD", now=now
    )


def _resume(request, *, now):
    return services.request_transition(actor=STAFF, request_id=request.pk, to="in_progress", now=now)


def _statutory_breaches():
    return DeadlineBreach.objects.filter(source="dsr.request", clock="statutory")


def _overdue_statutory(now):
    return {state["key"]: state["count"] for state in request_clock_states(now=now)}["overdue_statutory"]


def test_a_pausable_statutory_clock_is_not_breached_while_the_request_waits(subject):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = verified_request(subject, type="access")
    assert request.statutory_due_at == LAW_91_ACCESS
    _pause(request)

    # Past the statutory date, still waiting for the customer: the clock stands still.
    waiting = LAW_91_ACCESS + timedelta(hours=1)
    deadlines_sweep(now=waiting - timedelta(hours=7))
    deadlines_sweep(now=waiting)
    assert not _statutory_breaches().exists()
    assert not DeadlineReminder.objects.filter(clock="statutory").exists()
    assert _overdue_statutory(waiting) == 0
    assert request_counts(now=waiting).due_soon == 0

    # The customer answers 12 days after the pause: the deadline moves by the 12 days.
    resumed = _resume(request, now=PAUSED_AT + timedelta(days=12))
    assert resumed.statutory_due_at == LAW_91_ACCESS + timedelta(days=12)
    assert resumed.paused_seconds == 12 * 24 * 3600
    deadlines_sweep(now=resumed.statutory_due_at - timedelta(minutes=1))
    assert not _statutory_breaches().exists()
    deadlines_sweep(now=resumed.statutory_due_at + timedelta(minutes=1))
    assert _statutory_breaches().get().due_at == resumed.statutory_due_at


def test_a_statutory_clock_that_may_not_pause_is_breached_during_the_pause(subject):
    request = verified_request(subject, type="access")
    _pause(request)
    waiting = LAW_91_ACCESS + timedelta(hours=1)
    deadlines_sweep(now=waiting)
    assert _statutory_breaches().get().due_at == LAW_91_ACCESS
    assert _overdue_statutory(waiting) == 1
    resumed = _resume(request, now=PAUSED_AT + timedelta(days=12))
    assert resumed.statutory_due_at == LAW_91_ACCESS


def test_while_paused_the_regimes_that_keep_running_still_bind(subject):
    """The group's pausable regime sets the earliest date, Law 91 (no pause) a later one: during the
    pause Law 91's date is the one that can pass."""
    DeadlinePolicy.objects.filter(regime="eu_gdpr", request_type="access").update(
        active=True, pausable=True, period=5, unit="days"
    )
    request = verified_request(subject, type="access")
    gdpr = end_of(date(2026, 3, 14))
    assert (request.statutory_due_at, request.statutory_regime) == (gdpr, "eu_gdpr")
    _pause(request)
    deadlines_sweep(now=gdpr + timedelta(hours=1))
    assert not _statutory_breaches().exists()
    deadlines_sweep(now=LAW_91_ACCESS + timedelta(hours=1))
    assert _statutory_breaches().get().due_at == LAW_91_ACCESS


def test_a_deadline_passed_before_the_pause_stays_passed(subject):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = verified_request(subject, type="access")
    late = LAW_91_ACCESS + timedelta(hours=2)
    _pause(request, now=late)
    assert _overdue_statutory(late + timedelta(hours=1)) == 1
    deadlines_sweep(now=late + timedelta(hours=1))
    assert _statutory_breaches().get().due_at == LAW_91_ACCESS


def test_closing_a_paused_request_moves_its_statutory_deadline_by_the_pause(subject):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = verified_request(subject, type="access")
    _pause(request)
    closed = refused_after_waiting(request, now=PAUSED_AT + timedelta(days=12))
    assert closed.statutory_due_at == LAW_91_ACCESS + timedelta(days=12)
    # Answered within the law: its clock stood still while the bank waited.
    report = deadline_report(now=PAUSED_AT + timedelta(days=12, minutes=1))
    assert (report["totals"]["closed"], report["totals"]["closed_within_law"]) == (1, 1)


def test_the_request_page_says_the_statutory_clock_stands_still(logged_in, privacy_officer, subject):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = verified_request(subject, type="access")
    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="statutory-paused"' not in page
    _pause(request)
    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="statutory-paused"' in page
