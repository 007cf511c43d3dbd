"""Late requests (issue #18): the reason for the delay, the "closed late" mark, and the on-time figure's
link to the requests behind it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import Conflict, InvalidInput
from deadlines.clocks import deadlines_sweep
from dsr import services
from dsr.reports import deadline_report
from dsr.selectors import request_queue
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request

pytestmark = pytest.mark.django_db


def late_complaint(subject):
    request = verified_request(subject, type="complaint")
    after = request.answer_by + timedelta(hours=2)
    deadlines_sweep(now=after)  # the sweep flags it overdue, as it does every minute
    return request, after


def test_closing_a_flagged_late_request_needs_the_reason_and_it_is_kept(subject):
    request, after = late_complaint(subject)
    with pytest.raises(InvalidInput) as error:
        services.request_complete(actor=STAFF, request_id=request.pk, note="Answered.", now=after)
    assert error.value.field == "overdue_reason"
    closed = services.request_complete(
        actor=STAFF, request_id=request.pk, note="Answered.", overdue_reason="Core banking outage", now=after
    )
    closed.refresh_from_db()
    assert closed.status == "completed"
    assert closed.overdue_reason == "Core banking outage"
    assert closed.closed_late
    assert AuditEntry.objects.filter(action="dsr.request.overdue_reason_recorded").count() == 1


def test_reason_recorded_while_open_lets_it_close_and_a_refusal_needs_it_too(subject):
    request, after = late_complaint(subject)
    with pytest.raises(InvalidInput) as error:
        services.request_reject(actor=STAFF, request_id=request.pk, reason="other", note="x", now=after)
    assert error.value.field == "overdue_reason"
    services.request_overdue_reason_record(
        actor=STAFF, request_id=request.pk, reason="Waiting for the branch file", now=after
    )
    rejected = services.request_reject(
        actor=STAFF, request_id=request.pk, reason="other", note="See the letter.", now=after
    )
    assert rejected.status == "rejected"


def test_a_reason_is_refused_for_a_request_on_time_and_when_blank(subject):
    request = verified_request(subject, type="complaint")
    with pytest.raises(Conflict):
        services.request_overdue_reason_record(actor=STAFF, request_id=request.pk, reason="x", now=MONDAY)
    with pytest.raises(InvalidInput):
        services.request_overdue_reason_record(
            actor=STAFF, request_id=request.pk, reason="  ", now=request.answer_by + timedelta(days=1)
        )


def test_on_time_figure_and_the_lists_behind_it_agree(subject):
    on_time = verified_request(subject, type="complaint")
    services.request_complete(actor=STAFF, request_id=on_time.pk, note="ok", now=MONDAY + timedelta(hours=1))
    late, after = late_complaint(subject)
    services.request_complete(actor=STAFF, request_id=late.pk, note="ok", overdue_reason="Outage", now=after)
    since, until = MONDAY - timedelta(days=1), after + timedelta(days=1)
    report = deadline_report(now=until, since=since, until=until)
    assert (report["totals"]["closed_on_time"], report["totals"]["closed_late"]) == (1, 1)
    listed_late = request_queue(closed="late", closed_since=since, closed_until=until)
    listed_on_time = request_queue(closed="on_time", closed_since=since, closed_until=until)
    assert [r.pk for r in listed_late] == [late.pk]
    assert [r.pk for r in listed_on_time] == [on_time.pk]


def test_pages_show_closed_late_and_the_report_links_to_the_list(client, privacy_officer, subject):
    late, after = late_complaint(subject)
    services.request_complete(actor=STAFF, request_id=late.pk, note="ok", overdue_reason="Outage", now=after)
    make_request(subject, type="access")
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[late.pk])).content.decode()
    assert 'data-testid="closed-late"' in page and "Outage" in page
    listed = client.get(reverse("dsr:queue"), {"closed": "late"}).content.decode()
    assert listed.count('data-testid="queue-row"') == 1
    assert 'data-testid="closed-late"' in listed
    report = client.get(reverse("dsr:report_deadlines"), {"since": "2026-03-01", "until": "2026-12-31"})
    html = report.content.decode()
    assert 'data-testid="late-link"' in html
    href = html.split('data-testid="late-link"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    followed = client.get(href).content.decode()
    assert followed.count('data-testid="queue-row"') == 1


def test_a_request_cancelled_after_its_deadline_is_marked_late(subject):
    request, after = late_complaint(subject)
    cancelled = services.request_cancel(
        actor=STAFF, request_id=request.pk, overdue_reason="Outage", now=after
    )
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled" and cancelled.closed_late
