"""A month not yet over is counted so far: a request not yet due is neither overdue "at the month's end"
nor counted so, and the page says the figures are so far."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from deadlines.policy import local_month
from dsr.models import DataSubjectRequest
from dsr.reports import monthly_figures
from tests.dsr.factories import VN, make_request

pytestmark = pytest.mark.django_db
MARCH, APRIL = datetime(2026, 3, 1, tzinfo=VN), datetime(2026, 4, 1, tzinfo=VN)


def test_the_current_month_counts_a_request_not_yet_due_as_open_not_overdue(subject):
    request = make_request(subject, type="access", now=datetime(2026, 3, 9, 9, 0, tzinfo=VN))
    mid_march = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    assert request.answer_by > mid_march

    so_far = monthly_figures(since=MARCH, until=APRIL, now=mid_march)
    assert (so_far["totals"]["open_at_end"], so_far["totals"]["overdue_at_end"]) == (1, 0)
    assert so_far["so_far"] and so_far["as_of"] == mid_march

    # Once the month is over its end is the end of the month: the request stood overdue then.
    over = monthly_figures(since=MARCH, until=APRIL, now=APRIL + timedelta(days=3))
    assert (over["totals"]["open_at_end"], over["totals"]["overdue_at_end"]) == (1, 1)
    assert not over["so_far"] and over["as_of"] == APRIL


def test_the_current_months_page_says_so_far_and_counts_no_request_not_yet_due(subject, dpo, logged_in):
    now = timezone.now()
    first = timezone.localdate(now, VN).replace(day=1)
    _since, until = local_month(first)
    soon = now + timedelta(minutes=30)
    if soon >= until:
        pytest.skip("run in the month's last half hour")
    request = make_request(subject, type="access", now=now)
    # Due within the month but not yet: overdue at its end, not now.
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_at=soon, statutory_due_at=soon)

    page = logged_in(dpo).get(f"/en/portal/reports/deadlines/{first.year}-{first.month:02d}/", follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["figures"]["totals"]["overdue_at_end"] == 0
    assert 'data-testid="month-overdue-at-end">0<' in html
    assert 'data-testid="month-so-far"' in html
    earlier = logged_in(dpo).get("/en/portal/reports/deadlines/2026-03/", follow=True).content.decode()
    assert 'data-testid="month-so-far"' not in earlier
