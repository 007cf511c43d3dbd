"""The DPO's scheduled deadline report names the requests to act on (overdue on either clock, past the
acknowledgement deadline, or due within 24 hours) by their reference, so a person can find them: counts
alone tell the DPO that something is late, not which request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report
from dsr.selectors import requests_to_act_on
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.jobs.factories import NOW, monthly_report_emailed, request_due, staff

pytestmark = pytest.mark.django_db


def _daily_email():
    staff("chi", "dpo")
    report_send(kind="daily", now=NOW)
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.daily")
    outbox_deliver(message.pk, now=NOW)
    (email,) = mail.outbox
    return email


def test_the_daily_email_names_each_request_to_act_on(subject):
    overdue = request_due(subject, due_at=NOW - timedelta(hours=1), type="delete")
    due_soon = request_due(subject, due_at=NOW + timedelta(hours=3))
    unacknowledged = request_due(subject, due_at=NOW + timedelta(days=5))
    DataSubjectRequest.objects.filter(pk=unacknowledged.pk).update(
        acknowledged_at=None, acknowledge_by=NOW - timedelta(hours=2)
    )
    on_track = request_due(subject, due_at=NOW + timedelta(days=6))
    email = _daily_email()
    html = email.alternatives[0][0]
    for request in (overdue, due_soon, unacknowledged):
        assert request.reference in email.body and request.reference in html, request.reference
        assert f"/portal/requests/{request.pk}/" in html
    assert on_track.reference not in email.body and on_track.reference not in html
    # The most urgent first: the overdue one before the one only coming due.
    assert email.body.index(overdue.reference) < email.body.index(due_soon.reference)


def test_the_list_is_in_the_report_as_the_api_gives_it(subject):
    overdue = request_due(subject, due_at=NOW - timedelta(hours=1), type="delete")
    (row,) = deadline_report(now=NOW)["to_act_on"]["requests"]
    assert row["reference"] == overdue.reference and row["type"] == "delete"
    assert row["overdue_bank"] and not row["overdue_statutory"]


def test_beyond_the_listed_ones_the_email_gives_their_number_and_the_queue(subject, monkeypatch):
    monkeypatch.setattr("dsr.reports.TO_ACT_ON_LISTED", 1)
    first = request_due(subject, due_at=NOW - timedelta(hours=2))
    second = request_due(subject, due_at=NOW - timedelta(hours=1))
    email = _daily_email()
    assert first.reference in email.body and second.reference not in email.body
    assert "2 yêu cầu" in email.body and "/portal/requests/?due=attention" in email.body


def test_the_monthly_report_reads_its_requests_to_act_on_once(subject, monkeypatch):
    """The month's figures are as of its end, the requests to act on as they stand now: the list is read
    once, as of now, not once inside the month's report and again to replace it."""
    reads = []
    listed = requests_to_act_on

    def counted(*, now):
        reads.append(now)
        return listed(now=now)

    monkeypatch.setattr("dsr.reports.requests_to_act_on", counted)
    request_due(subject, due_at=NOW - timedelta(hours=1))
    monthly_report_emailed(NOW)
    assert reads == [NOW]
