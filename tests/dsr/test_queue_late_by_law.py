"""The inspector's "every request answered late against the statutory deadline, by type": the report's
within-the-law figure has the list of the requests behind it, as its on-time figure has."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dsr import services
from dsr.reports import deadline_report
from dsr.selectors import request_queue
from tests.dsr.factories import MONDAY, STAFF, verified_request

pytestmark = pytest.mark.django_db


def closed_requests(subject):
    """An access request answered after the bank's 72 hours but within the law's 10 days, and a
    complaint answered after its statutory deadline."""
    late_for_bank = verified_request(subject, type="access")
    services.request_overdue_reason_record(
        actor=STAFF, request_id=late_for_bank.pk, reason="Branch file",
        now=late_for_bank.due_at + timedelta(hours=1),
    )
    services.request_complete(
        actor=STAFF, request_id=late_for_bank.pk, note="ok", now=late_for_bank.due_at + timedelta(hours=2)
    )
    late_by_law = verified_request(subject, type="complaint")
    after = late_by_law.statutory_due_at + timedelta(hours=2)
    services.request_overdue_reason_record(actor=STAFF, request_id=late_by_law.pk, reason="Outage", now=after)
    services.request_complete(actor=STAFF, request_id=late_by_law.pk, note="ok", now=after)
    return late_for_bank, late_by_law, after


def test_the_queue_lists_the_requests_closed_past_the_statutory_deadline(subject):
    late_for_bank, late_by_law, after = closed_requests(subject)
    assert late_for_bank.statutory_due_at > late_for_bank.due_at + timedelta(hours=2)
    since, until = MONDAY - timedelta(days=1), after + timedelta(days=1)
    report = deadline_report(now=until, since=since, until=until)
    past_law = report["totals"]["closed"] - report["totals"]["closed_within_law"]
    listed = request_queue(closed="late_by_law", closed_since=since, closed_until=until)
    assert [r.pk for r in listed] == [late_by_law.pk]
    assert past_law == 1


def test_the_report_links_each_type_to_its_requests_past_the_law(client, dpo, subject):
    _late_for_bank, late_by_law, after = closed_requests(subject)
    client.force_login(dpo)
    # The closing moment's Vietnamese day may be the day after its UTC day.
    until = f"{after.date() + timedelta(days=2)}"
    page = client.get(reverse("dsr:report_deadlines"), {"since": "2026-03-01", "until": until})
    html = page.content.decode()
    assert 'data-testid="late-by-law-link"' in html
    href = html.split('data-testid="late-by-law-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    followed = client.get(href.replace("&amp;", "&")).content.decode()
    assert followed.count('data-testid="queue-row"') == 1
    assert late_by_law.reference in followed
    by_type = html.split('data-testid="report-by-type"')[1].split("</table>")[0]
    assert "type=complaint" in by_type.replace("&amp;", "&")
