"""The deadline report counts open work on both clocks, as the domain notes require ("every request
runs two clocks, both shown to staff and in reports"), and agrees with the dashboard, the queue's
`?overdue=true` and the breach sweeper: overdue on the bank's clock, on the statutory clock, the
binding figure (either), past the acknowledgement deadline; due today and within 24 hours by the
answer-by date; a request paused awaiting the customer is not overdue on the bank's clock that stands
still, while the law's clock keeps counting (Law 91 has no pause)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts.models import StaffProfile
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report
from dsr.selectors import overdue_q, request_clock_states, request_counts
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request
from tests.jobs.factories import staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The columns the CSV had before the clocks were split: readers by position keep them.
OLD_CSV_COLUMNS = [
    "section", "key", "open", "due_today", "due_soon", "overdue", "closed", "closed_on_time",
    "on_time_rate", "closed_within_law", "status", "count",
]
OLD_TOTALS = {
    "open", "due_today", "due_soon", "overdue", "closed", "closed_on_time", "closed_within_law",
    "on_time_rate", "closed_late", "within_law_rate",
}


def local(*parts):
    return datetime(*parts, tzinfo=VN)


def complaint_of_friday(subject):
    """Received Fri 6 Mar 2026 and never acknowledged: the law's 15 days end on Sat 21 Mar, the
    bank's 15 working days on Fri 27 Mar, the acknowledgement's 2 working days on Tue 10 Mar."""
    return make_request(subject, type="complaint", now=local(2026, 3, 6, 10, 0))


@pytest.fixture
def three_clocks(subject):
    """On Mon 23 Mar 10:00: a complaint overdue by law only (and not acknowledged), an access request
    overdue on both clocks, one overdue on the bank's clock only (due that morning at 09:00)."""
    complaint_of_friday(subject)
    verified_request(subject, type="access")  # Mon 9 Mar: bank Thu 12 Mar, law 19 Mar
    verified_request(subject, type="access", now=local(2026, 3, 20, 9, 0))  # bank Mon 23 Mar 09:00
    return local(2026, 3, 23, 10, 0)


def test_report_counts_overdue_on_each_clock_and_its_binding_figure_agrees_with_the_dashboard(three_clocks):
    now = three_clocks
    totals = deadline_report(now=now)["totals"]
    assert totals["overdue_statutory"] == 2
    assert totals["overdue_bank"] == 2
    assert totals["overdue_acknowledgement"] == 1
    # Either deadline passed: what the dashboard, the queue's ?overdue=true and the API's list count.
    assert totals["overdue"] == 3
    assert DataSubjectRequest.objects.filter(overdue_q(now)).count() == 3
    assert request_counts(now=now).overdue == 3
    by_type = {row["key"]: row for row in deadline_report(now=now)["by_type"]}
    assert (by_type["complaint"]["overdue"], by_type["complaint"]["overdue_statutory"]) == (1, 1)
    assert by_type["complaint"]["overdue_bank"] == 0


def test_due_today_and_within_24_hours_go_by_the_answer_by_date(subject):
    """Sat 21 Mar 10:00: the complaint's statutory deadline ends tonight, its bank deadline is days away."""
    complaint_of_friday(subject)
    now = local(2026, 3, 21, 10, 0)
    totals = deadline_report(now=now)["totals"]
    assert (totals["due_today"], totals["due_soon"], totals["overdue"]) == (1, 1, 0)
    assert request_counts(now=now).due_soon == totals["due_soon"]


def test_paused_request_is_not_overdue_on_the_bank_clock_that_stands_still(subject):
    request = verified_request(subject, type="access")  # bank Thu 12 Mar 09:00, law Thu 19 Mar
    services.request_transition(actor=STAFF, request_id=request.pk, to="awaiting_customer",
                                note="Xin bản sao CCCD", now=MONDAY + timedelta(hours=1))
    now = MONDAY + timedelta(days=4)  # the bank date stored before the pause has passed
    assert deadlines_sweep(now=now).breaches == 0  # the sweeper: nothing is late
    totals = deadline_report(now=now)["totals"]
    assert (totals["overdue"], totals["overdue_bank"], totals["overdue_statutory"]) == (0, 0, 0)
    assert DataSubjectRequest.objects.filter(overdue_q(now)).count() == 0
    assert request_counts(now=now).overdue == 0
    states = {row["key"]: row["count"] for row in request_clock_states(now=now)}
    assert states == {"on_track": 1, "due_soon": 0, "overdue_bank": 0, "overdue_statutory": 0}


def test_a_paused_bank_date_is_not_coming_due(subject):
    """Wed 11 Mar 19:00: the bank date stored before the pause is 14 hours away, but its clock stands
    still; the law's is a week away. Nothing is due within 24 hours, as the sweeper reminds of nothing."""
    request = verified_request(subject, type="access")
    services.request_transition(actor=STAFF, request_id=request.pk, to="awaiting_customer",
                                note="Xin bản sao CCCD", now=MONDAY + timedelta(hours=1))
    now = local(2026, 3, 11, 19, 0)
    assert deadlines_sweep(now=now).reminders == 0
    assert deadline_report(now=now)["totals"]["due_soon"] == 0
    assert request_counts(now=now).due_soon == 0


def test_the_statutory_clock_keeps_counting_while_paused(subject):
    request = verified_request(subject, type="access")
    services.request_transition(actor=STAFF, request_id=request.pk, to="awaiting_customer",
                                note="Xin bản sao CCCD", now=MONDAY + timedelta(hours=1))
    now = local(2026, 3, 20, 10, 0)  # the law's 19 Mar has passed; Law 91 has no pause
    assert deadlines_sweep(now=now).breaches == 1
    assert DeadlineBreach.objects.get().clock == "statutory"
    totals = deadline_report(now=now)["totals"]
    assert (totals["overdue"], totals["overdue_statutory"], totals["overdue_bank"]) == (1, 1, 0)
    assert DataSubjectRequest.objects.filter(overdue_q(now)).count() == 1
    states = {row["key"]: row["count"] for row in request_clock_states(now=now)}
    assert (states["overdue_statutory"], states["overdue_bank"]) == (1, 0)


def test_api_keeps_its_fields_and_adds_each_clocks_figures(three_clocks, dpo, as_user, monkeypatch):
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: three_clocks)
    api = as_user(dpo)
    body = api.get("/api/v1/reports/deadlines/").json()
    assert OLD_TOTALS <= set(body["totals"])
    assert (body["totals"]["overdue"], body["totals"]["overdue_statutory"]) == (3, 2)
    assert (body["totals"]["overdue_bank"], body["totals"]["overdue_acknowledgement"]) == (2, 1)
    complaint = next(row for row in body["by_type"] if row["key"] == "complaint")
    assert complaint["overdue_statutory"] == 1
    csv_text = api.get("/api/v1/reports/deadlines/?format=csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(csv_text)))
    header = lines[0]
    assert header[: len(OLD_CSV_COLUMNS)] == OLD_CSV_COLUMNS  # new columns only at the end
    total = dict(zip(header, lines[1], strict=True))
    assert (total["overdue"], total["overdue_statutory"], total["overdue_bank"]) == ("3", "2", "2")
    assert total["overdue_acknowledgement"] == "1"
    assert all(len(line) == len(header) for line in lines)


def test_email_and_page_show_the_statutory_overdue_count_and_the_within_law_rate(
    three_clocks, subject, client, monkeypatch
):
    now = three_clocks
    # Answered after the bank's 72 hours but within the law's 10 days: late, yet within the law.
    answered = verified_request(subject, type="access", now=local(2026, 3, 16, 9, 0))
    services.request_complete(actor=STAFF, request_id=answered.pk, overdue_reason="Outage",
                              now=local(2026, 3, 20, 9, 0))
    dpo = staff("dpo_en", "dpo")
    StaffProfile.objects.create(user=dpo, preferred_language="en")
    assert report_send(kind="daily", now=now) == 1
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.daily")
    outbox_deliver(message.pk, now=now)
    (email,) = mail.outbox
    html = email.alternatives[0][0]
    for text in (email.body, html):
        assert "Overdue on the statutory clock" in text and "Closed within the statutory deadline" in text
    assert "Overdue on the statutory clock: 2" in email.body
    assert "Past the acknowledgement deadline: 1" in email.body
    assert "Closed on time: 0%" in email.body
    assert "Closed within the statutory deadline: 100%" in email.body
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: now)
    client.force_login(dpo)
    page = client.get("/en/portal/reports/deadlines/").content.decode()
    assert 'data-testid="stat-overdue-statutory">2<' in page
    assert 'data-testid="stat-within-law">100%<' in page
