"""A cancellation staff record for the customer after the deadline passed is a late close: it needs the
reason for the delay (service and API), it still counts late in the deadline figures, and the customer's
page says the bank recorded it. The customer's own cancellation needs no reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.actors import actor_for_user
from core.errors import InvalidInput
from deadlines.clocks import deadlines_sweep
from dsr import services
from dsr.reports import deadline_report
from dsr.selectors import request_queue
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db
LATE = MONDAY + timedelta(days=5)  # past the bank's 72 hours for an access request


def overdue_access(subject):
    request = verified_request(subject, type="access")
    deadlines_sweep(now=LATE)  # the sweep flags it overdue
    return request


def test_staff_cancelling_a_flagged_overdue_request_must_say_why_it_is_late(subject):
    request = overdue_access(subject)
    with pytest.raises(InvalidInput) as refused:
        services.request_cancel(actor=STAFF, request_id=request.pk, now=LATE)
    assert refused.value.field == "overdue_reason"
    request.refresh_from_db()
    assert request.status != "cancelled"

    closed = services.request_cancel(
        actor=STAFF, request_id=request.pk, overdue_reason="Khách hàng gọi tổng đài xin huỷ", now=LATE
    )
    closed.refresh_from_db()
    assert closed.status == "cancelled"
    assert closed.overdue_reason == "Khách hàng gọi tổng đài xin huỷ"


def test_the_customers_own_late_cancellation_needs_no_reason(customer_a):
    request = verified_request(customer_a.customer_account.subject, type="access")
    deadlines_sweep(now=LATE)
    closed = services.request_cancel(actor=actor_for_user(customer_a), request_id=request.pk, now=LATE)
    assert closed.status == "cancelled"
    assert closed.overdue_reason == ""


def test_a_request_cancelled_after_its_deadline_still_counts_late(subject):
    late = overdue_access(subject)
    services.request_cancel(actor=STAFF, request_id=late.pk, overdue_reason="Chậm xử lý", now=LATE)
    in_time = make_request(subject, type="access")
    services.request_cancel(actor=STAFF, request_id=in_time.pk, now=MONDAY + timedelta(hours=1))

    totals = deadline_report(now=LATE, since=MONDAY, until=LATE + timedelta(hours=1))["totals"]
    assert (totals["closed"], totals["closed_on_time"], totals["closed_late"]) == (1, 0, 1)
    assert totals["on_time_rate"] == 0
    period_end = LATE + timedelta(hours=1)
    behind_the_figure = request_queue(closed="late", closed_since=MONDAY, closed_until=period_end)
    assert [r.pk for r in behind_the_figure] == [late.pk]
    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.closed_late and not in_time.closed_late


def test_a_staff_token_cancelling_an_overdue_request_is_asked_the_reason(subject, privacy_officer, as_user):
    request = overdue_access(subject)
    api = as_user(privacy_officer)
    refused = api.post(f"/api/v1/requests/{request.pk}/cancel/", format="json")
    assert refused.status_code == 400, refused.content
    assert "overdue_reason" in refused.json()
    request.refresh_from_db()
    assert request.status != "cancelled"

    answer = api.post(f"/api/v1/requests/{request.pk}/cancel/", {"overdue_reason": "Khách hàng xin huỷ"},
                      format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "cancelled"


def test_a_staff_token_cancels_a_request_in_time_without_a_body(subject, privacy_officer, as_user):
    request = make_request(subject, type="access", now=timezone.now())
    answer = as_user(privacy_officer).post(f"/api/v1/requests/{request.pk}/cancel/")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "cancelled"


def test_the_customer_reads_a_staff_recorded_cancellation_as_the_banks(logged_in, customer_a):
    own = customer_a.customer_account.subject
    by_staff = make_request(own, type="access")
    services.request_cancel(actor=STAFF, request_id=by_staff.pk, now=MONDAY + timedelta(hours=1))
    by_customer = make_request(own, type="complaint")
    services.request_cancel(
        actor=actor_for_user(customer_a), request_id=by_customer.pk, now=MONDAY + timedelta(hours=1)
    )
    client = logged_in(customer_a)

    staff_page = client.get(reverse("dsr:me_detail", args=[by_staff.pk])).content.decode()
    assert in_either_language("Cancelled at your request (recorded by the bank)", staff_page)
    assert not in_either_language("Cancelled by you", staff_page)
    own_page = client.get(reverse("dsr:me_detail", args=[by_customer.pk])).content.decode()
    assert in_either_language("Cancelled by you", own_page)
    assert not in_either_language("Cancelled at your request (recorded by the bank)", own_page)
