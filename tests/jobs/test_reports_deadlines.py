"""The deadline report's figures on known data, through the selector, the API (JSON and CSV), the
portal pages and the scheduled e-mail."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
from django.core import mail

from accounts.models import StaffProfile
from deadlines.policy import LOCAL_TZ, local_midnight
from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report, on_time_trend
from dsr.services import reporting
from dsr.services.reporting import report_period, report_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.jobs.factories import NOW, request_due, staff

pytestmark = pytest.mark.django_db


def closed(subject, *, due_at, closed_at, status="rejected", **kw):
    request = request_due(subject, due_at=due_at, **kw)
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=status, outcome_reason="manifestly_unfounded", closed_at=closed_at
    )
    return request


@pytest.fixture
def known(subject):
    """Three open requests (one overdue), two closed (one late), one cancelled."""
    # The customer's own first: staff then take the same request in as a confirmed repeat.
    request_due(subject, due_at=NOW + timedelta(hours=30), channel="mobile_app")  # tomorrow afternoon
    request_due(subject, due_at=NOW + timedelta(hours=3))  # access: due today and within 24 h
    request_due(subject, due_at=NOW - timedelta(hours=1), type="delete")  # overdue
    closed(subject, due_at=NOW - timedelta(days=2), closed_at=NOW - timedelta(days=3))  # on time
    closed(subject, due_at=NOW - timedelta(days=5), closed_at=NOW - timedelta(days=4))  # late
    closed(subject, due_at=NOW, closed_at=NOW - timedelta(days=1), status="cancelled")  # not rated


def row(rows, key):
    return next(r for r in rows if r["key"] == key)


def test_daily_figures_on_known_data(known):
    report = deadline_report(now=NOW)
    totals = report["totals"]
    assert (totals["open"], totals["due_today"], totals["due_soon"], totals["overdue"]) == (3, 1, 1, 1)
    assert (totals["closed"], totals["closed_on_time"], totals["on_time_rate"]) == (2, 1, 0.5)
    access = row(report["by_type"], "access")
    assert (access["open"], access["due_today"], access["overdue"], access["closed"]) == (2, 1, 0, 2)
    assert row(report["by_type"], "delete")["overdue"] == 1
    assert row(report["by_channel"], "mobile_app")["open"] == 1
    assert row(report["by_channel"], "branch")["on_time_rate"] == 0.5
    statuses = {(r["type"], r["status"]): r["count"] for r in report["by_type_and_status"]}
    assert statuses[("access", "rejected")] == 2 and statuses[("access", "received")] == 2


def test_trend_counts_closures_by_week(known):
    weeks = on_time_trend(now=NOW, weeks=2)
    assert sum(w["closed"] for w in weeks) == 2 and sum(w["closed_on_time"] for w in weeks) == 1


def test_api_gives_json_and_csv(known, dpo, as_user, monkeypatch):
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: NOW)
    client = as_user(dpo)
    body = client.get("/api/v1/reports/deadlines/").json()
    assert body["totals"]["overdue"] == 1 and body["totals"]["on_time_rate"] == 0.5
    response = client.get("/api/v1/reports/deadlines/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0]["section"] == "total" and lines[0]["open"] == "3"
    assert any(line["section"] == "withdrawal_duties" for line in lines)


def _csv_status_counts(content: bytes) -> dict[tuple[str, str], int]:
    lines = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return {(line["key"], line["status"]): int(line["count"]) for line in lines
            if line["section"] == "type_and_status"}


def test_csv_counts_by_type_and_status_as_the_json_does(known, dpo, as_user, client, monkeypatch):
    # The contract's "counts by type and status ... ?format=csv": the CSV had totals, types and
    # channels, but not the type-by-status counts the JSON gives.
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: NOW)
    api = as_user(dpo)
    body = api.get("/api/v1/reports/deadlines/").json()
    from_json = {(r["type"], r["status"]): r["count"] for r in body["by_type_and_status"]}
    assert from_json[("access", "received")] == 2 and from_json[("delete", "received")] == 1
    assert _csv_status_counts(api.get("/api/v1/reports/deadlines/?format=csv").content) == from_json
    client.force_login(dpo)
    portal = client.get("/en/portal/reports/deadlines/?format=csv")
    assert _csv_status_counts(portal.content) == from_json


def test_api_refuses_bad_dates_and_other_roles(dpo, officer, as_user):
    assert as_user(dpo).get("/api/v1/reports/deadlines/?since=yesterday").status_code == 400
    assert as_user(officer).get("/api/v1/reports/deadlines/").status_code == 403


@pytest.mark.parametrize("role", ["dpo", "auditor", "privacy_officer"])
def test_portal_page_draws_its_charts(known, client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/en/portal/reports/deadlines/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="chart-trend"' in html and 'data-testid="chart-backlog"' in html
    assert client.get("/en/portal/reports/deadlines/?format=csv")["Content-Type"].startswith("text/csv")
    monthly = client.get("/en/portal/reports/deadlines/2026-03/")
    assert monthly.status_code == 200
    # Styled from a static file: the CSP blocks inline <style> blocks.
    assert b"<style" not in monthly.content and b"css/report.css" in monthly.content


def test_officers_do_not_see_reports(client, officer):
    client.force_login(officer)
    assert client.get("/en/portal/reports/deadlines/").status_code == 403


def test_report_periods():
    since, until = report_period("weekly", NOW)  # Thursday 12 March 2026
    assert (since.date().isoformat(), until.date().isoformat()) == ("2026-03-02", "2026-03-09")
    since, until = report_period("monthly", NOW)
    assert (since.date().isoformat(), until.date().isoformat()) == ("2026-02-01", "2026-03-01")


def test_daily_report_email_to_the_dpo_with_csv_once(known):
    staff("chi", "dpo")
    assert report_send(kind="daily", now=NOW) == 1
    assert report_send(kind="daily", now=NOW + timedelta(minutes=5)) == 1  # same message, not a second
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.daily")
    outbox_deliver(message.pk, now=NOW)
    (email,) = mail.outbox
    assert email.to == ["chi@bank.test"]
    assert email.alternatives and "text/html" == email.alternatives[0][1]
    (name, content, mimetype) = email.attachments[0]
    assert name.endswith(".csv") and mimetype == "text/csv"
    assert "total,all,3,1,1,1,2,1,0.5" in content


def test_the_monthly_report_is_named_after_the_month_it_reports(known):
    """Sent on 12 March for February: it names February, not the day it was sent, and the period's
    last day, not the midnight that ends it."""
    staff("chi", "dpo")
    report_send(kind="monthly", now=NOW)
    (message,) = OutboxMessage.objects.filter(topic="report.deadlines.monthly")
    outbox_deliver(message.pk, now=NOW)
    (email,) = mail.outbox
    assert email.subject.startswith("[QDL] Báo cáo thời hạn tháng 02/2026:"), email.subject
    # The period ends at midnight on 1 March, so its last day is 28 February.
    assert "từ 01/02/2026 đến 28/02/2026" in email.body


def test_the_figures_are_computed_once_and_worded_in_each_dpos_language(known, monkeypatch):
    calls = []

    def counting(**kwargs):
        calls.append(kwargs)
        return deadline_report(**kwargs)

    monkeypatch.setattr(reporting, "deadline_report", counting)
    StaffProfile.objects.create(user=staff("dpo_en", "dpo"), preferred_language="en")
    staff("dpo_vi", "dpo")
    assert report_send(kind="daily", now=NOW) == 2
    assert len(calls) == 1
    labels = {}
    for message in OutboxMessage.objects.filter(topic="report.deadlines.daily"):
        body = json.loads(message.payload)
        labels[body["language"]] = row(body["context"]["report"]["by_type"], "access")["label"]
        assert row(body["context"]["report"]["by_type"], "access")["open"] == 2
    assert labels["en"] == "Access to personal data"
    assert labels["vi"] and labels["vi"] != labels["en"]


def test_report_periods_start_at_local_midnight(dpo, client):
    midnight = local_midnight(date(2026, 3, 2))
    assert midnight == datetime(2026, 3, 2, 0, 0, tzinfo=LOCAL_TZ)
    assert midnight.utcoffset() == timedelta(hours=7)
    assert report_period("weekly", NOW)[0] == midnight
    # The page ignores a date it cannot read (the API refuses it, above).
    client.force_login(dpo)
    assert client.get("/en/portal/reports/deadlines/?since=yesterday").status_code == 200


SVG_NUMBER = r"-?\d+(?:\.\d+)?"
SVG_ATTRIBUTES = re.compile(r'\s(x|y|x1|x2|y1|y2|cx|cy|r|width|height|viewBox|points)="([^"]*)"')


@pytest.mark.parametrize(
    "path",
    ["/portal/reports/deadlines/", "/en/portal/reports/deadlines/", "/portal/", "/en/portal/"],
)
def test_charts_write_numbers_without_the_locales_decimal_comma(known, client, dpo, path, monkeypatch):
    """Every chart, the report page's and the dashboard's, in Vietnamese (decimal comma) and English."""
    # Thursday 12 March 2026: the known closures fall inside the 12-week trend, so it draws a line.
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: NOW)
    client.force_login(dpo)
    html = client.get(path).content.decode()
    # The trend (an SVG) and the bar chart (HTML rows, each bar an SVG rect as wide as a percentage).
    charts = re.findall(r"<svg role=\"img\".*?</svg>", html, flags=re.S)
    bars = re.findall(r"<div class=\"bar-chart\" role=\"img\".*?</div></div>", html, flags=re.S)
    assert len(charts) == 1 and len(bars) == 1
    assert "points=" in html and "<rect" in html  # the line and the bars are there to be checked
    # A bar's width in the scale's fractions (50.0% for a bar half the longest) is a decimal number.
    assert re.search(r'width="\d+\.\d+%"', bars[0])
    for chart in charts + bars:
        for name, value in SVG_ATTRIBUTES.findall(chart):
            if name in ("width", "height") and value.endswith("%"):
                value = value[:-1]
            if name == "points":
                pairs = value.split()
                assert pairs and all(re.fullmatch(f"{SVG_NUMBER},{SVG_NUMBER}", p) for p in pairs), value
            else:
                assert all(re.fullmatch(SVG_NUMBER, n) for n in value.split()), (name, value)
