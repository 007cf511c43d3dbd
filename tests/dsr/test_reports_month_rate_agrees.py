"""The month's on-time rate is one figure: the printable monthly page (the regulator's), its CSV, the
monthly e-mail and the deadline report over the same month (the API) all count a request the customer
cancelled after its deadline had passed as closed late, as `overdue_in_month` and the breach list do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dsr import services
from dsr.reports import deadline_report, monthly_figures
from tests.dsr.factories import STAFF, verified_request
from tests.dsr.test_reports_month_reconciles import APRIL, MARCH, complete, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_and_cancelled_late(subject):
    """Verified Mon 9 Mar 09:00 (bank due Thu 12 Mar 09:00): one answered on 10 March, one the customer
    cancels on 25 March, long after its deadline."""
    answered = verified_request(subject, type="access", now=local(2026, 3, 9, 9, 0))
    complete(answered, now=local(2026, 3, 10, 9, 0))
    late = verified_request(subject, type="access", now=local(2026, 3, 9, 9, 0))
    services.request_cancel(actor=STAFF, request_id=late.pk, now=local(2026, 3, 25, 9, 0))


def test_the_months_rate_is_the_reports_rate(answered_and_cancelled_late):
    month = monthly_figures(since=MARCH, until=APRIL)["totals"]
    report = deadline_report(now=APRIL, since=MARCH, until=APRIL)["totals"]
    assert report["on_time_rate"] == 0.5
    assert month["on_time_rate"] == report["on_time_rate"]


def test_the_monthly_page_shows_that_rate(answered_and_cancelled_late, client, dpo):
    client.force_login(dpo)
    page = client.get("/en" + reverse("dsr:report_monthly", args=[2026, 3])).content.decode()
    assert "Closed on time: 50%" in " ".join(page.split())
