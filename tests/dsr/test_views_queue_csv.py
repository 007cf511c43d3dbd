"""The DPO's monthly reconciliation: the requests closed between two dates, with their type, dates, both
clocks and whether they were late, downloaded from the queue as CSV (formula-safe, audited)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.dsr.factories import MONDAY
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
