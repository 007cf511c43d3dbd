"""The breach register as an inspector reads it: when each breach was notified, whether that was
late (after the law's 72 hours) and why, and whether the customers were told; and the register as an
audited CSV. It showed "overdue" only while a breach was open: once notified, a late notification
looked like any other."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from regulator import services
from tests.regulator.factories import DPO, make_breach, make_inventory

pytestmark = pytest.mark.django_db

LATE_REASON = "Vendor report came late."


def _late_and_timely_breaches():
    make_inventory()
    now = timezone.now()
    late = make_breach(detected_at=now - timedelta(hours=100), now=now - timedelta(hours=99))
    services.breach_notify(actor=DPO, breach_id=late.pk, now=now, late_reason=LATE_REASON)
    timely = make_breach(detected_at=now - timedelta(hours=3), now=now - timedelta(hours=2))
    services.breach_notify(actor=DPO, breach_id=timely.pk, now=now)
    services.breach_customers_not_notify(actor=DPO, breach_id=timely.pk, reason="Files encrypted.", now=now)
    return late, timely


def _row(page: str, reference: str) -> str:
    return page.split(reference, 1)[1].split("</tr>", 1)[0]


def test_the_register_marks_a_late_notification_with_its_reason(client, dpo):
    late, timely = _late_and_timely_breaches()
    client.force_login(dpo)
    page = client.get(reverse("regulator:breach_list")).content.decode()
    assert 'data-testid="notified-late"' in _row(page, late.reference)
    assert LATE_REASON in _row(page, late.reference)
    assert 'data-testid="notified-late"' not in _row(page, timely.reference)
    assert "Files encrypted." in _row(page, timely.reference)


def test_the_register_exports_as_csv_and_the_export_is_audited(client, dpo):
    late, timely = _late_and_timely_breaches()
    client.force_login(dpo)
    response = client.get(reverse("regulator:breach_list"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_reference = {row["reference"]: row for row in rows}
    assert by_reference[late.reference]["late"] == "yes"
    assert by_reference[late.reference]["late_reason"] == LATE_REASON
    assert by_reference[timely.reference]["late"] == "no"
    assert by_reference[timely.reference]["customers_told"] == "not_notify"
    entry = AuditEntry.objects.filter(action="regulator.breach.register_exported").get()
    assert entry.actor_label == actor_for_user(dpo).label and entry.data["breaches"] == 2


def test_the_csv_calls_an_open_breach_past_the_law_s_72_hours_late_as_the_page_does(client, dpo):
    """It said "no" beside an empty notified_at while the page showed "72 hours passed"."""
    make_inventory()
    now = timezone.now()
    overdue = make_breach(detected_at=now - timedelta(hours=100), now=now - timedelta(hours=99))
    within = make_breach(detected_at=now - timedelta(hours=3), now=now - timedelta(hours=2))
    client.force_login(dpo)
    page = client.get(reverse("regulator:breach_list")).content.decode()
    assert 'data-testid="statutory-passed"' in _row(page, overdue.reference)
    assert 'data-testid="notified-late"' not in _row(page, overdue.reference)  # not notified at all
    response = client.get(reverse("regulator:breach_list"), {"format": "csv"})
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows[overdue.reference]["notified_at"] == "" and rows[overdue.reference]["late"] == "yes"
    assert rows[overdue.reference]["late_reason"] == ""
    assert rows[within.reference]["late"] == "no"


def test_the_csv_counts_the_customers_told_by_any_channel_in_customers_told_count(client, dpo):
    _late_and_timely_breaches()
    client.force_login(dpo)
    response = client.get(reverse("regulator:breach_list"), {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "customers_told_count" in header and "customers_emailed" not in header


def test_the_register_reads_breaches_without_their_systems_or_categories(client, dpo):
    """Neither the page nor the CSV shows them: prefetching them was two queries for nothing."""
    _late_and_timely_breaches()
    client.force_login(dpo)
    for params in ({}, {"format": "csv"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("regulator:breach_list"), params).status_code == 200
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "regulator_breach_systems" not in sql and "regulator_breach_categories" not in sql
