"""A breach belongs to the period whose deadline it passed, not to the sweep that found it: a sweep
running late after a month's end would otherwise put March's breach in April, and March's breach
table would disagree with March's `overdue_at_end`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deadlines.clocks import deadlines_sweep
from dsr.reports import deadline_report, monthly_figures
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, APRIL, MAY = (datetime(2026, month, 1, tzinfo=VN) for month in (3, 4, 5))


def local(*parts):
    return datetime(*parts, tzinfo=VN)


def test_breach_found_by_a_late_sweep_is_reported_in_the_month_its_deadline_passed(subject):
    # Sat 28 Mar 23:00 -> bank due Tue 31 Mar 23:00; the beat was down until 1 Apr 00:30.
    make_request(subject, type="access", now=local(2026, 3, 28, 23, 0))
    assert deadlines_sweep(now=local(2026, 4, 1, 0, 30)).breaches == 2  # bank and acknowledgement
    march = deadline_report(now=local(2026, 4, 1, 8, 10), since=MARCH, until=APRIL)
    april = deadline_report(now=local(2026, 4, 1, 8, 10), since=APRIL, until=MAY)
    assert monthly_figures(since=MARCH, until=APRIL)["totals"]["overdue_at_end"] == 1
    assert {row["clock"]: row["count"] for row in march["breaches"]} == {"due": 1, "acknowledge": 1}
    assert april["breaches"] == []
