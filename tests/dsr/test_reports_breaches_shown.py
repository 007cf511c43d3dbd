"""The deadlines a period breached, by source and clock, wherever the deadline report goes: the JSON
and the monthly page had them; the CSV (`?format=csv` and the DPO e-mail's attachment), the e-mail
itself and the portal page must say the same."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from deadlines.clocks import clock_labels, deadlines_sweep
from dsr.report_csv import report_csv
from dsr.reports import deadline_report
from tests.dsr.factories import make_request
from tests.jobs.factories import monthly_report_emailed

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, APRIL = datetime(2026, 3, 1, tzinfo=VN), datetime(2026, 4, 1, tzinfo=VN)
SWEPT = datetime(2026, 4, 1, 0, 30, tzinfo=VN)
SENT = datetime(2026, 4, 1, 8, 0, tzinfo=VN)  # the monthly report for March


@pytest.fixture
def march_breaches(subject):
    """Two requests of late March, unacknowledged and unanswered when the sweep ran on 1 April: each
    breached its bank deadline and its acknowledgement deadline in March."""
    for hour in (22, 23):
        make_request(subject, type="access", now=datetime(2026, 3, 28, hour, 0, tzinfo=VN))
    assert deadlines_sweep(now=SWEPT).breaches == 4


def _breach_rows(content: str) -> dict[tuple[str, str], tuple[int, str]]:
    rows = csv.DictReader(io.StringIO(content.removeprefix("\ufeff")))  # the attachment's byte-order mark
    return {(r["key"], r["clock"]): (int(r["count"]), r["label"]) for r in rows if r["section"] == "breaches"}


def test_the_csv_carries_the_breaches_the_json_gives_with_their_labels(march_breaches):
    report = deadline_report(now=SWEPT, since=MARCH, until=APRIL)
    assert {(r["source"], r["clock"]): r["count"] for r in report["breaches"]} == {
        ("dsr.request", "acknowledge"): 2,
        ("dsr.request", "due"): 2,
    }
    for language in ("vi", "en"):
        with translation.override(language):
            rows = _breach_rows(report_csv(deadline_report(now=SWEPT, since=MARCH, until=APRIL)))
            source, due = clock_labels("dsr.request", "due")
            acknowledge = clock_labels("dsr.request", "acknowledge")[1]
        assert rows == {
            ("dsr.request", "acknowledge"): (2, f"{source}: {acknowledge}"),
            ("dsr.request", "due"): (2, f"{source}: {due}"),
        }


def test_the_dpo_email_and_the_portal_page_show_the_breaches(march_breaches, client, dpo):
    email = monthly_report_emailed(SENT)
    html = email.alternatives[0][0]
    with translation.override("vi"):
        source, due = (str(label) for label in clock_labels("dsr.request", "due"))
    assert 'data-testid="report-breaches"' in html
    assert f"<td>{source}</td><td>{due}</td><td>2</td>" in html
    assert _breach_rows(email.attachments[0][1])[("dsr.request", "due")] == (2, f"{source}: {due}")
    client.force_login(dpo)
    page = client.get(reverse("dsr:report_deadlines"), {"since": "2026-03-01", "until": "2026-04-01"})
    assert 'data-testid="report-breaches"' in page.content.decode()
