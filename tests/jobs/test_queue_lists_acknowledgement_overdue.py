"""The report counts the requests past their acknowledgement deadline (Law 91: 2 working days); the DPO
who reads "Past the acknowledgement deadline: 1" must find that request in the queue and the API, and
the queue's "needs attention" list (the report e-mail's link for the requests it does not name) holds
it too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report
from tests.jobs.factories import NOW, request_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def unacknowledged(subject):
    """Due in 5 days, but its acknowledgement deadline passed 2 hours ago with no acknowledgement."""
    request = request_due(subject, due_at=NOW + timedelta(days=5))
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        acknowledged_at=None, acknowledge_by=NOW - timedelta(hours=2)
    )
    request_due(subject, due_at=NOW + timedelta(days=6))  # on track: listed by none of these
    return request


@pytest.fixture
def at_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def test_the_report_counts_it(unacknowledged):
    assert deadline_report(now=NOW)["totals"]["overdue_acknowledgement"] == 1


@pytest.mark.parametrize("due", ["acknowledgement", "attention"])
def test_the_queue_lists_it(unacknowledged, at_now, client, dpo, due):
    client.force_login(dpo)
    page = client.get("/en/portal/requests/", {"due": due}).content.decode()
    on_track = DataSubjectRequest.objects.exclude(pk=unacknowledged.pk).get()
    assert unacknowledged.reference in page and on_track.reference not in page


def test_the_api_lists_it(unacknowledged, at_now, dpo, as_user):
    body = as_user(dpo).get("/api/v1/requests/", {"acknowledgement_overdue": "true"}).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["id"] for row in rows] == [str(unacknowledged.pk)]


def test_the_dashboard_counts_it_and_leads_to_them(unacknowledged, at_now, client, dpo):
    client.force_login(dpo)
    page = client.get("/en/portal/").content.decode()
    assert 'data-testid="card-acknowledgement-overdue">1<' in page
    assert 'href="/en/portal/requests/?due=acknowledgement"' in page
