"""The DPO's monthly reconciliation: the requests closed between two dates, with their type, dates, both
clocks and whether they were late, downloaded from the queue as CSV (formula-safe, audited)."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from dsr import services
from dsr.selectors import request_queue
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.dsr.test_queue_late_by_law import closed_requests

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _period(after) -> dict:
    since = timezone.localtime(MONDAY - timedelta(days=1)).date()
    until = timezone.localtime(after + timedelta(days=1)).date()
    return {"since": since.isoformat(), "until": until.isoformat()}


def test_the_filtered_queue_downloads_with_both_clocks_and_lateness(logged_in, dpo, subject):
    late_for_bank, late_by_law, after = closed_requests(subject)
    response = logged_in(dpo).get(reverse("dsr:queue"), {**_period(after), "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = {row["reference"]: row for row in _rows(response)}
    assert set(rows) == {late_for_bank.reference, late_by_law.reference}
    bank = rows[late_for_bank.reference]
    assert bank["type"] == "access"
    assert bank["due_at"] == timezone.localtime(late_for_bank.due_at).isoformat()
    assert bank["statutory_due_at"] == timezone.localtime(late_for_bank.statutory_due_at).isoformat()
    assert bank["closed_at"] and bank["received_at"]
    assert (bank["late_bank_deadline"], bank["late_statutory_deadline"]) == ("yes", "no")
    law = rows[late_by_law.reference]
    assert (law["type"], law["late_statutory_deadline"]) == ("complaint", "yes")


def test_the_download_follows_the_filters_and_is_audited(logged_in, dpo, subject):
    _late_for_bank, late_by_law, after = closed_requests(subject)
    client = logged_in(dpo)
    response = client.get(reverse("dsr:queue"), {**_period(after), "type": "complaint", "format": "csv"})
    assert [row["reference"] for row in _rows(response)] == [late_by_law.reference]
    entry = AuditEntry.objects.get(action="dsr.queue.exported")
    assert entry.data["rows"] == 1
    assert entry.data["filters"]["type"] == "complaint"


def test_the_page_offers_the_download_of_what_it_shows(logged_in, dpo, subject):
    _late_for_bank, _late_by_law, after = closed_requests(subject)
    page = logged_in(dpo).get(reverse("dsr:queue"), _period(after)).content.decode()
    assert 'data-testid="queue-csv"' in page
    assert "format=csv" in page


def test_a_bad_period_is_refused_in_words_not_downloaded(logged_in, dpo):
    response = logged_in(dpo).get(reverse("dsr:queue"), {"since": "2026-13-45", "format": "csv"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="dsr.queue.exported").exists()


def test_the_files_lateness_is_the_queues_late_filter_and_the_reports(logged_in, dpo, subject):
    # The reconciliation counts the file's `late` against the report's on-time figure: a request cancelled
    # in time counts for no rate, and "late" is past the earlier of both clocks (`ANSWER_BY`).
    late_for_bank, late_by_law, after = closed_requests(subject)
    cancelled = verified_request(subject, type="access")
    services.request_cancel(actor=STAFF, request_id=cancelled.pk, now=MONDAY + timedelta(hours=1))
    period = _period(after)

    rows = _rows(logged_in(dpo).get(reverse("dsr:queue"), {**period, "format": "csv"}))
    since = timezone.make_aware(datetime.fromisoformat(period["since"]))
    until = timezone.make_aware(datetime.fromisoformat(period["until"]))
    late = {r.reference for r in request_queue(closed="late", closed_since=since, closed_until=until)}
    on_time = {r.reference for r in request_queue(closed="on_time", closed_since=since, closed_until=until)}

    assert {row["reference"] for row in rows if row["late"] == "yes"} == late
    assert {row["reference"] for row in rows if row["late"] == "no"} == on_time
    assert {row["reference"]: row["late"] for row in rows}[cancelled.reference] == ""
    assert late == {late_for_bank.reference, late_by_law.reference}
