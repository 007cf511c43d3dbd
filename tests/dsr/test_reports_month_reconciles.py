"""The month's figures reconcile: every request open at the start or received in the month is
answered (on time or late), cancelled, or open at the end; a request paused awaiting the customer at
the month's end was not overdue on the bank's clock then."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dsr import services
from dsr.reports import monthly_figures
from tests.dsr.factories import STAFF, make_request, verified_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, APRIL, MAY = (datetime(2026, month, 1, tzinfo=VN) for month in (3, 4, 5))
OLD_MONTHLY_COLUMNS = [
    "type", "received", "closed", "closed_on_time", "closed_late", "open_at_end", "overdue_at_end",
    "overdue_in_month",
]


def local(*parts):
    return datetime(*parts, tzinfo=VN)


def complete(request, *, now, late=False):
    return services.request_complete(
        actor=STAFF,
        request_id=request.pk,
        now=now,
        note="Trả lời khiếu nại" if request.type == "complaint" else "",
        overdue_reason="Outage" if late else "",
    )


def build_months(subject):
    """Requests across March's boundaries: three open on 1 March (one answered on time in March,
    one cancelled in March, one still open in April), one answered in February (in no March figure),
    four received in March (answered late, cancelled, answered in April, open), one from April."""
    feb_on_time = verified_request(subject, type="access", now=local(2026, 2, 26, 9, 0))
    complete(feb_on_time, now=local(2026, 3, 1, 8, 0))  # bank 1 Mar 09:00: on time, in March
    feb_cancelled = make_request(subject, type="complaint", now=local(2026, 2, 25, 9, 0))
    services.request_cancel(actor=STAFF, request_id=feb_cancelled.pk, now=local(2026, 3, 3, 9, 0))
    make_request(subject, type="delete", now=local(2026, 2, 26, 9, 0))  # open all along
    feb_done = verified_request(subject, type="access", now=local(2026, 2, 2, 9, 0))
    complete(feb_done, now=local(2026, 2, 3, 9, 0))
    late = verified_request(subject, type="access", now=local(2026, 3, 9, 9, 0))
    complete(late, now=local(2026, 3, 13, 9, 0), late=True)
    cancelled = make_request(subject, type="access", now=local(2026, 3, 10, 9, 0))
    services.request_cancel(actor=STAFF, request_id=cancelled.pk, now=local(2026, 3, 10, 10, 0))
    in_april = verified_request(subject, type="complaint", now=local(2026, 3, 25, 9, 0))
    complete(in_april, now=local(2026, 4, 2, 9, 0))
    make_request(subject, type="access", now=local(2026, 3, 30, 9, 0))
    make_request(subject, type="access", now=local(2026, 4, 3, 9, 0))


def build_old_history(subject):
    """Requests of a year before, each closed long before March: answered, refused, cancelled, and one
    acknowledged then left to wait for the customer until it was answered in January."""
    answered = verified_request(subject, type="access", now=local(2025, 3, 2, 9, 0))
    complete(answered, now=local(2025, 3, 3, 9, 0))
    refused = make_request(subject, type="delete", now=local(2025, 3, 9, 9, 0))
    services.request_transition(actor=STAFF, request_id=refused.pk, to="rejected",
                                reason="identity_not_verified",
                                note="Không xác minh được.", now=local(2025, 3, 10, 9, 0))
    cancelled = make_request(subject, type="complaint", now=local(2025, 3, 30, 9, 0))
    services.request_cancel(actor=STAFF, request_id=cancelled.pk, now=local(2025, 4, 1, 9, 0))
    waited = verified_request(subject, type="copy", now=local(2025, 12, 20, 9, 0))
    services.request_transition(actor=STAFF, request_id=waited.pk, to="awaiting_customer",
                                note="Xin bản sao CCCD", now=local(2025, 12, 22, 9, 0))
    services.request_transition(actor=STAFF, request_id=waited.pk, to="in_progress",
                                now=local(2026, 1, 5, 9, 0))
    complete(waited, now=local(2026, 1, 6, 9, 0), late=True)


@pytest.mark.parametrize("old_history", [False, True], ids=["march-only", "with-a-year-closed-before"])
def test_monthly_figures_account_for_every_request_open_at_the_start_or_received(subject, old_history):
    """Requests closed before the month count in none of its figures, however many there are."""
    if old_history:
        build_old_history(subject)
    build_months(subject)
    month = monthly_figures(since=MARCH, until=APRIL)
    totals = month["totals"]
    assert (totals["open_at_start"], totals["received"]) == (3, 4)
    assert (totals["closed_on_time"], totals["closed_late"], totals["cancelled"]) == (1, 1, 2)
    assert totals["open_at_end"] == 3
    for row in [*month["by_type"], totals]:
        assert row["open_at_start"] + row["received"] == (
            row["closed_on_time"] + row["closed_late"] + row["cancelled"] + row["open_at_end"]
        ), row
    # The next month starts with what this one ended with.
    assert monthly_figures(since=APRIL, until=MAY)["totals"]["open_at_start"] == totals["open_at_end"]


def test_a_request_cancelled_in_its_month_is_accounted_for(subject):
    first = make_request(subject, type="access", now=local(2026, 3, 9, 9, 0))
    services.request_cancel(actor=STAFF, request_id=first.pk, now=local(2026, 3, 9, 10, 0))
    make_request(subject, type="access", now=local(2026, 3, 10, 9, 0))
    totals = monthly_figures(since=MARCH, until=APRIL)["totals"]
    assert (totals["received"], totals["cancelled"], totals["closed"], totals["open_at_end"]) == (2, 1, 0, 1)


def test_monthly_csv_and_page_add_the_new_columns_at_the_end(subject, client, dpo):
    build_months(subject)
    client.force_login(dpo)
    url = reverse("dsr:report_monthly", args=[2026, 3])
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig"))))
    header, total = rows[2], dict(zip(rows[2], rows[-1], strict=True))
    assert header[: len(OLD_MONTHLY_COLUMNS)] == OLD_MONTHLY_COLUMNS
    assert (total["open_at_start"], total["cancelled"]) == ("3", "2")
    page = client.get(url).content.decode()
    assert 'data-testid="month-open-at-start">3<' in page and 'data-testid="month-cancelled">2<' in page


def test_paused_at_the_months_end_is_not_overdue_on_the_bank_clock_then(subject):
    """Received Sat 28 Mar 10:00: bank due Tue 31 Mar 10:00, law 7 Apr. One waits for the customer
    from 29 March (its bank clock stood still at the month's end), the other only from 2 April."""
    paused_in_march = verified_request(subject, type="access", now=local(2026, 3, 28, 10, 0))
    paused_in_april = verified_request(subject, type="access", now=local(2026, 3, 28, 10, 0))
    pauses = ((paused_in_march, local(2026, 3, 29, 10, 0)), (paused_in_april, local(2026, 4, 2, 9, 0)))
    for request, when in pauses:
        services.request_transition(actor=STAFF, request_id=request.pk, to="awaiting_customer",
                                    note="Xin bản sao CCCD", now=when)
    totals = monthly_figures(since=MARCH, until=APRIL)["totals"]
    assert (totals["open_at_end"], totals["overdue_at_end"]) == (2, 1)


def test_a_request_cancelled_after_its_deadline_counts_as_overdue_in_the_month(subject):
    """Verified Mon 9 Mar 09:00 (bank due Thu 12 Mar 09:00); the customer cancels on 25 March, after the
    sweep recorded its breach: the month it stood overdue in says so, as the breach list does."""
    overdue = verified_request(subject, type="access", now=local(2026, 3, 9, 9, 0))
    services.request_cancel(actor=STAFF, request_id=overdue.pk, now=local(2026, 3, 25, 9, 0))
    in_time = make_request(subject, type="access", now=local(2026, 3, 10, 9, 0))
    services.request_cancel(actor=STAFF, request_id=in_time.pk, now=local(2026, 3, 10, 10, 0))
    month = monthly_figures(since=MARCH, until=APRIL)
    access = next(row for row in month["by_type"] if row["type"] == "access")
    for row in (access, month["totals"]):
        assert (row["cancelled"], row["cancelled_late"], row["closed_late"]) == (2, 1, 0)
        assert row["overdue_in_month"] == 1
