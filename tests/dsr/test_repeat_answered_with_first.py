"""Reviewer follow-up: a repeat recorded beside an open access request (`repeat_of`) kept its own clocks.
Once the first was answered the repeat stayed *received*, went overdue on its own deadlines, and staff
could close it only by refusing it (a judgement on the customer) or answering again. A repeat is answered
by the answer of the request it repeats: closed with it in the same transaction, with the same end, its
note naming the first, its identity check taken from the first, and the customer told once. A repeat
of a request refused or cancelled keeps its own course; one sent after the answer is a new request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.reports import deadline_report, monthly_figures
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
LATER = MONDAY + timedelta(hours=3)


@pytest.fixture
def first_and_repeat(subject):
    first = verified_request(subject, type="access")
    repeat = make_request(subject, type="access", channel="call_centre", now=MONDAY + timedelta(hours=1))
    assert repeat.repeat_of_id == first.pk
    return first, repeat


def test_answering_the_first_answers_its_repeat_with_it(first_and_repeat):
    first, repeat = first_and_repeat
    services.request_complete(actor=STAFF, request_id=first.pk, now=LATER)

    first.refresh_from_db()
    repeat.refresh_from_db()
    assert (repeat.status, repeat.closed_at) == ("completed", LATER)
    assert first.reference in repeat.outcome_note
    assert repeat.identity_verified_at == first.identity_verified_at
    assert repeat.identity_method == first.identity_method
    entry = AuditEntry.objects.get(action="dsr.request.answered_with_first", target_id=str(repeat.pk))
    assert entry.data["first"] == str(first.pk)


def test_the_customer_is_told_once(first_and_repeat):
    first, repeat = first_and_repeat
    services.request_complete(actor=STAFF, request_id=first.pk, now=LATER)
    told = OutboxMessage.objects.filter(topic="dsr.customer.completed")
    assert told.count() == 1
    assert str(repeat.pk) not in told.get().dedupe_key


def test_the_figures_count_it_received_and_answered_on_time_never_overdue(first_and_repeat):
    first, repeat = first_and_repeat
    services.request_complete(actor=STAFF, request_id=first.pk, now=LATER)
    months_later = MONDAY + timedelta(days=90)

    month = monthly_figures(since=MONDAY - timedelta(days=1), until=months_later, now=months_later)
    totals = month["totals"]
    assert (totals["received"], totals["repeats"]) == (2, 1)
    assert (totals["closed_on_time"], totals["closed_late"], totals["overdue_at_end"]) == (2, 0, 0)
    assert totals["open_at_end"] == 0
    report = deadline_report(now=months_later, since=MONDAY - timedelta(days=1), until=months_later)
    assert report["totals"]["overdue"] == 0


def test_a_repeat_of_a_request_refused_keeps_its_own_course(first_and_repeat):
    first, repeat = first_and_repeat
    services.request_reject(
        actor=STAFF, request_id=first.pk, reason="other", note="Yêu cầu ghi nhầm khách hàng.", now=LATER
    )
    assert DataSubjectRequest.objects.get(pk=repeat.pk).status == "received"


def test_the_customers_page_of_the_repeat_says_it_was_answered_with_the_first(customer_a):
    subject = customer_a.customer_account.subject
    first = verified_request(subject, type="access")
    repeat = make_request(subject, type="access", channel="internet_banking", now=MONDAY + timedelta(hours=1))
    services.request_complete(actor=STAFF, request_id=first.pk, now=LATER)

    page = signed_in(customer_a).get(f"/en/me/requests/{repeat.pk}/")

    assert page.status_code == 200
    assert first.reference in page.content.decode()
