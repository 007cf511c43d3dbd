"""The monthly report for the regulator (issue #18): its figures agree with the requests of a month
built with known late ones, and it downloads as CSV and prints with the bank's name."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse

from deadlines.policy import local_midnight
from dsr import services
from dsr.reports import monthly_figures
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SINCE = local_midnight(datetime(2026, 3, 1).date())
UNTIL = local_midnight(datetime(2026, 4, 1).date())


def build_march(subject):
    """March 2026: one answered on time, one answered late, one open and overdue at the month's end,
    one received in March and answered late in April (overdue at the end of March), one open and
    not yet due, one cancelled."""
    on_time = verified_request(subject, type="access")
    services.request_complete(actor=STAFF, request_id=on_time.pk, now=MONDAY + timedelta(hours=1))
    late = verified_request(subject, type="access")
    assert late.answer_by + timedelta(hours=1) < UNTIL
    services.request_complete(actor=STAFF, request_id=late.pk, now=late.answer_by + timedelta(hours=1))
    open_overdue = verified_request(subject, type="access")
    assert open_overdue.answer_by < UNTIL
    late_in_april = verified_request(subject, type="access")
    services.request_complete(
        actor=STAFF, request_id=late_in_april.pk, now=UNTIL + timedelta(days=2), overdue_reason="Outage"
    )
    not_due = make_request(subject, type="access", now=datetime(2026, 3, 30, 10, tzinfo=HANOI))
    assert not_due.answer_by > UNTIL
    cancelled = make_request(subject, type="access")
    services.request_cancel(actor=STAFF, request_id=cancelled.pk, now=MONDAY + timedelta(hours=2))
    # Noise outside the month: a request received and answered in April.
    april = make_request(subject, type="complaint", now=UNTIL + timedelta(days=3))
    assert april.received_at >= UNTIL


def test_monthly_figures_count_late_answers_and_overdue_at_month_end(subject):
    build_march(subject)
    totals = monthly_figures(since=SINCE, until=UNTIL)["totals"]
    assert totals["received"] == 6
    assert (totals["closed"], totals["closed_on_time"], totals["closed_late"]) == (2, 1, 1)
    assert (totals["open_at_end"], totals["overdue_at_end"]) == (3, 2)
    assert totals["overdue_in_month"] == 3
    row = next(r for r in monthly_figures(since=SINCE, until=UNTIL)["by_type"] if r["type"] == "access")
    assert row["overdue_in_month"] == 3


@override_settings(BANK_NAME="Ngân hàng Thử Nghiệm")
def test_monthly_page_prints_with_the_bank_name_and_downloads_csv(client, dpo, subject):
    build_march(subject)
    client.force_login(dpo)
    url = reverse("dsr:report_monthly", args=[2026, 3])
    page = client.get(url).content.decode()
    assert "Ngân hàng Thử Nghiệm" in page
    assert 'data-testid="month-overdue">3<' in page
    assert 'data-testid="month-overdue-at-end">2<' in page
    assert "data-print" in page and "?format=csv" in page
    download = client.get(url, {"format": "csv"})
    assert download["Content-Disposition"] == 'attachment; filename="deadline-report-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["bank", "Ngân hàng Thử Nghiệm"]
    header, total = rows[2], rows[-1]
    assert total[0] == "total"
    assert dict(zip(header, total, strict=True))["overdue_in_month"] == "3"
    assert dict(zip(header, total, strict=True))["closed_late"] == "1"
