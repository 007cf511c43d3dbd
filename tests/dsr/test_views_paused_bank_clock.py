"""While the bank's clock stands still awaiting the customer, nobody is quoted the bank's date it
stopped at: the customer is told the bank waits for their answer and answers by the law's date at the
latest (Law 91 has no pause), staff see the clock stopped with the time it had left, and neither the
pages nor the API call the request overdue when no count does."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.timesince import timeuntil

from deadlines.models import DeadlinePolicy
from dsr import services
from tests.dsr.factories import MONDAY, STAFF, awaiting_customer, end_of, verified_request
from tests.pages import LANGUAGES, in_either_language

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TUESDAY = datetime(2026, 3, 10, 9, 0, tzinfo=VN)  # 48 hours before the bank's Thursday 09:00
SATURDAY = datetime(2026, 3, 14, 9, 0, tzinfo=VN)
LAW_91_ACCESS = end_of(date(2026, 3, 19))


@pytest.fixture
def on_saturday(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: SATURDAY)


def _shown(moment) -> str:
    return formats.date_format(timezone.localtime(moment, VN), "SHORT_DATETIME_FORMAT")


def _testid(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index("</dd>", start)]


def test_a_paused_request_answers_by_the_law_and_is_not_overdue(subject):
    request = awaiting_customer(subject, now=TUESDAY)
    assert request.due_at < SATURDAY < LAW_91_ACCESS == request.statutory_due_at
    assert request.answer_by == LAW_91_ACCESS
    assert not request.is_overdue(SATURDAY)
    resumed = services.request_transition(actor=STAFF, request_id=request.pk, to="in_progress", now=SATURDAY)
    # Resumed, the bank's clock runs again from the 48 hours it had left: no later than the date quoted.
    assert resumed.due_at == SATURDAY + timedelta(hours=48)
    assert resumed.answer_by == resumed.due_at <= LAW_91_ACCESS


def test_the_customer_is_told_the_bank_waits_and_answers_by_the_law_at_the_latest(
    on_saturday, logged_in, customer_a
):
    request = awaiting_customer(customer_a.customer_account.subject, now=TUESDAY)
    page = logged_in(customer_a).get(reverse("dsr:me_detail", args=[request.pk])).content.decode()
    deadline = _testid(page, "deadline")
    assert _shown(request.due_at) not in page
    assert in_either_language(
        "We are waiting for your answer; we will answer by %(date)s at the latest.", deadline,
        date=_shown(LAW_91_ACCESS),
    )


def test_staff_see_the_bank_clock_stopped_with_the_time_it_had_left(on_saturday, logged_in, dpo, subject):
    request = awaiting_customer(subject, now=TUESDAY)
    page = logged_in(dpo).get(reverse("dsr:detail", args=[request.pk])).content.decode()
    answer_by = _testid(page, "answer-by")
    assert _shown(LAW_91_ACCESS) in answer_by and "badge--danger" not in answer_by
    stopped = _testid(page, "bank-clock-stopped")
    lefts = set()
    for lang in LANGUAGES:
        with translation.override(lang):
            lefts.add(timeuntil(request.due_at, request.paused_at))
    assert any(left in stopped for left in lefts), lefts
    assert _shown(request.due_at) not in stopped


def test_the_api_quotes_the_law_and_says_not_overdue_while_the_bank_clock_stands_still(
    on_saturday, as_user, privacy_officer, customer_a
):
    request = awaiting_customer(customer_a.customer_account.subject, now=TUESDAY)
    for user in (privacy_officer, customer_a):
        body = as_user(user).get(f"/api/v1/requests/{request.pk}/").json()
        assert body["overdue"] is False
        assert datetime.fromisoformat(body["answer_by"]) == LAW_91_ACCESS
        assert datetime.fromisoformat(body["due_at"]) == request.due_at  # the stored field, as the contract


def test_the_api_says_overdue_for_a_request_paused_after_its_bank_deadline(
    on_saturday, as_user, privacy_officer, subject
):
    request = verified_request(subject, type="access")
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="?", now=MONDAY + timedelta(hours=78)
    )
    body = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert body["overdue"] is True
    assert datetime.fromisoformat(body["answer_by"]) == request.due_at


def test_when_every_clock_stands_still_the_customer_is_quoted_no_date(on_saturday, logged_in, customer_a):
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(pausable=True)
    request = awaiting_customer(customer_a.customer_account.subject, now=TUESDAY)
    assert request.statutory_due_at is None and request.answer_by is None
    assert not request.is_overdue(SATURDAY)
    page = logged_in(customer_a).get(reverse("dsr:me_detail", args=[request.pk])).content.decode()
    assert _shown(request.due_at) not in page
    assert in_either_language("Our deadline stands still until you answer.", _testid(page, "deadline"))
