"""Whether the one-time extension is offered reads the request's policy rows, not the working-day
calendar: the staff request page and the API detail paid a full deadline computation (a CalendarDay
query) to decide it, and the API detail paid it twice (its refusal reasons asked the allowed actions
again). Extending itself is tested in test_services_clock_moves.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dsr.api import serializers
from dsr.selectors import request_allowed_actions
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db

CALENDAR_TABLE = 'FROM "core_calendarday"'


def _calendar_queries(get) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200
    return sum(CALENDAR_TABLE in q["sql"] for q in queries.captured_queries)


def test_the_request_page_offers_extending_without_reading_the_calendar(logged_in, privacy_officer, subject):
    request = verified_request(subject, now=timezone.now())  # its deadlines ahead: extendable
    page = logged_in(privacy_officer)
    assert "/do/extend/" in page.get(f"/portal/requests/{request.pk}/").content.decode()
    assert _calendar_queries(lambda: page.get(f"/portal/requests/{request.pk}/")) == 0


def test_the_api_detail_offers_the_extension_without_reading_the_calendar(as_user, privacy_officer, subject):
    request = verified_request(subject, now=timezone.now())  # its deadlines ahead: extendable
    api = as_user(privacy_officer)
    assert _calendar_queries(lambda: api.get(f"/api/v1/requests/{request.pk}/")) == 0
    assert "extend" in api.get(f"/api/v1/requests/{request.pk}/").json()["allowed_actions"]


def test_the_api_detail_asks_the_allowed_actions_once(as_user, privacy_officer, subject, monkeypatch):
    """Its refusal reasons read the allowed actions it has already computed."""
    request = verified_request(subject, now=timezone.now())
    calls = []

    def counted(*args, **kwargs):
        calls.append(args[0].pk)
        return request_allowed_actions(*args, **kwargs)

    monkeypatch.setattr(serializers, "request_allowed_actions", counted)
    body = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert "extend" in body["allowed_actions"] and "complete" in body["refusal_reasons"]
    assert calls == [request.pk]
