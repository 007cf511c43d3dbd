"""The request page never shows the acknowledgement as a separate duty falling after the answer: a request
received on a Friday is answered by Monday (the bank's 72 hours) while Law 91's two working days to
acknowledge end on Tuesday, and an answer sent acknowledges the request. The page then says the
acknowledgement goes with the answer, by the answer's date; the API's `acknowledge_by` stays the law's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from tests.dsr.factories import VN, make_request

pytestmark = pytest.mark.django_db
FRIDAY = datetime(2026, 3, 13, 9, 0, tzinfo=VN)
MONDAY = FRIDAY + timedelta(days=3)


def _shown(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _acknowledgement(page: str) -> str:
    """The page's acknowledgement entry (the <dd> after the answer and the two deadlines)."""
    deadlines = page[page.index('id="clocks-title"'):].split("</dl>")[0]
    return deadlines.split("<dd")[4].split("</dd>")[0]


def test_a_friday_request_is_acknowledged_with_the_answer_due_before_the_laws_limit(
    subject, logged_in, privacy_officer, as_user
):
    request = make_request(subject, type="access", now=FRIDAY)
    assert request.answer_by < request.acknowledge_by
    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    entry = _acknowledgement(page)
    assert 'data-testid="acknowledge-with-answer"' in entry
    with_answer = entry.split('data-testid="acknowledge-with-answer">')[1].split("</span>")[0]
    assert _shown(request.answer_by) in with_answer
    assert _shown(request.acknowledge_by) not in with_answer
    # The API keeps the law's acknowledgement deadline.
    detail = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert datetime.fromisoformat(detail["acknowledge_by"]) == request.acknowledge_by


def test_a_monday_request_shows_its_acknowledgement_deadline_first(subject, logged_in, privacy_officer):
    request = make_request(subject, type="access", now=MONDAY)
    assert request.acknowledge_by < request.answer_by
    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    entry = _acknowledgement(page)
    assert "acknowledge-with-answer" not in entry
    assert _shown(request.acknowledge_by) in entry
