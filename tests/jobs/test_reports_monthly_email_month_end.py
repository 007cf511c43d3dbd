"""The monthly e-mail reports its month as the monthly page it links to does: open work and overdue
figures as of the month's end, not as of the morning it is sent (a request that ran out on 1 March at
05:00 was not overdue in February), the month's own figures (received, answered late, overdue in the
month), and the regulator's CSV of them attached."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from deadlines.policy import LOCAL_TZ
from dsr.reports import monthly_figures
from tests.jobs.factories import monthly_report_emailed, request_due

pytestmark = pytest.mark.django_db

FEBRUARY = datetime(2026, 2, 1, tzinfo=LOCAL_TZ)
MARCH = datetime(2026, 3, 1, tzinfo=LOCAL_TZ)
SENT = MARCH + timedelta(hours=8, minutes=10)


@pytest.fixture
def runs_out_after_the_month(subject):
    """Received 25 February; its deadline runs out on 1 March at 05:00, before the report is sent."""
    received = datetime(2026, 2, 25, 9, 0, tzinfo=LOCAL_TZ)
    return request_due(subject, due_at=MARCH + timedelta(hours=5), now=received)


def test_the_monthly_email_counts_overdue_at_the_months_end(runs_out_after_the_month):
    month = monthly_figures(since=FEBRUARY, until=MARCH, now=SENT)["totals"]
    assert (month["open_at_end"], month["overdue_at_end"]) == (1, 0)
    email = monthly_report_emailed(SENT)
    assert email.subject.endswith("1 đang mở, 0 quá hạn"), email.subject
    # The request is named all the same: it needs acting on this morning.
    assert runs_out_after_the_month.reference in email.body


def test_the_monthly_email_carries_the_months_figures_and_csv(runs_out_after_the_month):
    email = monthly_report_emailed(SENT)
    html = email.alternatives[0][0]
    assert 'data-testid="month-received">1<' in html
    files = {name: content for name, content, _type in email.attachments}
    content = files["deadline-report-2026-02.csv"]
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    total = dict(zip(rows[2], rows[-1], strict=True))
    assert (total["received"], total["open_at_end"], total["overdue_at_end"]) == ("1", "1", "0")
