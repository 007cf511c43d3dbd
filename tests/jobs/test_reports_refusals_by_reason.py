"""The DPO answers the regulator how many requests the bank refused, or answered only in part, and on
which legal ground: the deadline report counts them by status and reason (each refusal states its
legal reason), in the API, the CSV and the DPO's e-mail, worded in the reader's language."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report
from dsr.services.reporting import report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.jobs.factories import NOW, request_due, staff

pytestmark = pytest.mark.django_db


def _closed(subject, *, status, reason, closed_at):
    request = request_due(subject, due_at=NOW + timedelta(days=1))
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=status, outcome_reason=reason, closed_at=closed_at, identity_verified_at=request.received_at
    )


@pytest.fixture
def refusals(subject):
    _closed(subject, status="rejected", reason="manifestly_unfounded", closed_at=NOW - timedelta(days=1))
    _closed(subject, status="rejected", reason="manifestly_unfounded", closed_at=NOW - timedelta(days=2))
    _closed(subject, status="partially_completed", reason="aml_retention", closed_at=NOW - timedelta(days=2))
    _closed(subject, status="rejected", reason="identity_not_verified", closed_at=NOW - timedelta(days=60))
    _closed(subject, status="completed", reason="", closed_at=NOW - timedelta(days=1))


def test_the_report_counts_refusals_and_partial_answers_by_reason(refusals):
    with translation.override("en"):
        rows = deadline_report(now=NOW)["refusals"]
    counted = {(row["status"], row["reason"]): row["count"] for row in rows}
    assert counted == {("rejected", "manifestly_unfounded"): 2, ("partially_completed", "aml_retention"): 1}
    label = next(row["label"] for row in rows if row["reason"] == "aml_retention")
    assert "Anti-Money Laundering" in label


def test_the_csv_and_the_email_give_them(refusals, dpo, as_user, monkeypatch):
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: NOW)
    content = as_user(dpo).get("/api/v1/reports/deadlines/?format=csv").content.decode("utf-8-sig")
    lines = [line for line in csv.DictReader(io.StringIO(content)) if line["section"] == "refusals"]
    assert {(line["key"], line["status"], line["count"]) for line in lines} == {
        ("manifestly_unfounded", "rejected", "2"), ("aml_retention", "partially_completed", "1")
    }
    staff("chi", "dpo")
    report_send(kind="daily", now=NOW)
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.daily")
    outbox_deliver(message.pk, now=NOW)
    (email,) = mail.outbox
    assert "Luật Phòng, chống rửa tiền" in email.body or "rửa tiền" in email.body
    assert 'data-testid="report-refusals"' in email.alternatives[0][0]
