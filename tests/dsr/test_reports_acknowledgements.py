"""Acknowledgements on time and late (Law 91: acknowledge a request within 2 working days), counted
for the requests acknowledged in the period from `acknowledged_at` and the request's stored
`acknowledge_by` (the clock the sweeper reminds and breaches), in every form of the deadline report:
JSON, CSV, the portal page, the DPO's e-mail and the monthly figures."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr import services
from dsr.report_csv import monthly_csv, report_csv
from dsr.reports import deadline_report, monthly_figures
from tests.dsr.factories import MONDAY, STAFF, make_request
from tests.jobs.factories import monthly_report_emailed

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, APRIL, MAY = (datetime(2026, month, 1, tzinfo=VN) for month in (3, 4, 5))
SENT = datetime(2026, 4, 1, 8, 0, tzinfo=VN)  # the monthly report for March


def _acknowledged(subject, *, type: str, received_at: datetime, after: timedelta):
    request = make_request(subject, type=type, now=received_at)
    return services.request_acknowledge(actor=STAFF, request_id=request.pk, now=received_at + after)


@pytest.fixture
def march(subject):
    """Received Monday 9 March: an access request acknowledged a week later, after its 2 working days,
    and a copy request the next day; one not acknowledged at all. A copy request received on 30 March
    is acknowledged late on 6 April, in April."""
    late = _acknowledged(subject, type="access", received_at=MONDAY, after=timedelta(days=7))
    on_time = _acknowledged(subject, type="copy", received_at=MONDAY, after=timedelta(days=1))
    make_request(subject, type="access", now=MONDAY)
    april = _acknowledged(
        subject, type="copy", received_at=datetime(2026, 3, 30, 9, 0, tzinfo=VN), after=timedelta(days=7)
    )
    assert on_time.acknowledged_at <= on_time.acknowledge_by < late.acknowledged_at
    assert april.acknowledge_by < april.acknowledged_at
    return {"late": late, "on_time": on_time}


def _by_key(rows, key):
    return next(row for row in rows if row["key"] == key)


def test_the_report_counts_acknowledgements_of_the_period_on_time_and_late(march):
    report = deadline_report(now=APRIL, since=MARCH, until=APRIL)
    assert (report["totals"]["acknowledged_on_time"], report["totals"]["acknowledged_late"]) == (1, 1)
    access, copy = _by_key(report["by_type"], "access"), _by_key(report["by_type"], "copy")
    assert (access["acknowledged_on_time"], access["acknowledged_late"]) == (0, 1)
    assert (copy["acknowledged_on_time"], copy["acknowledged_late"]) == (1, 0)
    assert _by_key(report["by_channel"], "branch")["acknowledged_late"] == 1
    april = deadline_report(now=MAY, since=APRIL, until=MAY)["totals"]
    assert (april["acknowledged_on_time"], april["acknowledged_late"]) == (0, 1)
    lines = list(csv.DictReader(io.StringIO(report_csv(report))))
    total = next(line for line in lines if line["section"] == "total")
    assert (total["acknowledged_on_time"], total["acknowledged_late"]) == ("1", "1")
    access_line = next(line for line in lines if (line["section"], line["key"]) == ("type", "access"))
    assert access_line["acknowledged_late"] == "1"


def test_each_grouping_is_one_query_whatever_it_counts(march, django_assert_max_num_queries):
    """Open work, the period's closures and its acknowledgements come from one grouped query per
    grouping (type, channel), not three: with the status counts, the duties, the breaches, the
    refusals by reason and the requests to act on, 7."""
    with django_assert_max_num_queries(7):
        report = deadline_report(now=APRIL, since=MARCH, until=APRIL)
    assert (report["totals"]["acknowledged_on_time"], report["totals"]["acknowledged_late"]) == (1, 1)


def test_a_late_acknowledgement_is_one_the_sweeper_breaches(subject):
    """The same clock: a sweep on Thursday 12 March breaches the acknowledgement deadline of a request
    received on Monday and not yet acknowledged, and not of one acknowledged on Tuesday; the report then
    counts the first late once acknowledged, and the second on time."""
    on_time = _acknowledged(subject, type="access", received_at=MONDAY, after=timedelta(days=1))
    late = make_request(subject, type="access", now=MONDAY)
    deadlines_sweep(now=datetime(2026, 3, 12, 8, 0, tzinfo=VN))
    # The item's id as the database wrote it (hex on SQLite, hyphenated on PostgreSQL).
    items = DeadlineBreach.objects.filter(clock="acknowledge").values_list("item_id", flat=True)
    breached = {uuid.UUID(item) for item in items}
    assert breached == {late.pk}
    services.request_acknowledge(actor=STAFF, request_id=late.pk, now=datetime(2026, 3, 12, 9, 0, tzinfo=VN))
    totals = deadline_report(now=APRIL, since=MARCH, until=APRIL)["totals"]
    assert (totals["acknowledged_on_time"], totals["acknowledged_late"]) == (1, 1)
    assert on_time.acknowledged_at <= on_time.acknowledge_by


def test_the_monthly_figures_count_the_months_acknowledgements(march):
    figures = monthly_figures(since=MARCH, until=APRIL)
    assert (figures["totals"]["acknowledged_on_time"], figures["totals"]["acknowledged_late"]) == (1, 1)
    access = next(row for row in figures["by_type"] if row["type"] == "access")
    assert (access["acknowledged_on_time"], access["acknowledged_late"]) == (0, 1)
    april = monthly_figures(since=APRIL, until=MAY)["totals"]
    assert (april["acknowledged_on_time"], april["acknowledged_late"]) == (0, 1)
    rows = list(csv.reader(io.StringIO(monthly_csv(figures, bank_name="Test bank", refusals=[]))))
    total = dict(zip(rows[2], rows[-1], strict=True))
    assert (total["type"], total["acknowledged_on_time"], total["acknowledged_late"]) == ("total", "1", "1")


def _figure(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(\d+)<', html)
    assert found, testid
    return found.group(1)


def test_the_pages_and_the_dpo_email_show_the_acknowledgements(march, client, dpo):
    client.force_login(dpo)
    page = client.get(reverse("dsr:report_deadlines"), {"since": "2026-03-01", "until": "2026-04-01"})
    html = page.content.decode()
    assert (_figure(html, "stat-acknowledged-on-time"), _figure(html, "stat-acknowledged-late")) == ("1", "1")
    monthly = client.get(reverse("dsr:report_monthly", args=[2026, 3])).content.decode()
    assert (_figure(monthly, "month-acknowledged-on-time"), _figure(monthly, "month-acknowledged-late")) == (
        "1",
        "1",
    )
    email = monthly_report_emailed(SENT)
    body = email.alternatives[0][0]
    assert (_figure(body, "acknowledged-on-time"), _figure(body, "acknowledged-late")) == ("1", "1")
