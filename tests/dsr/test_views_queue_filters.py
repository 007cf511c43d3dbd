"""The request queue (UX review): the closed-date filters are date inputs that apply on their own (a
closed-date filter asks for closed requests), and the table keeps its important columns first, in
the horizontally scrolling frame, with short cells on one line."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dsr import services
from dsr.models import DataSubjectRequest
from dsr.selectors import request_queue
from tests.dsr.factories import MONDAY, STAFF, make_request
from tests.pages import in_either_language, translated

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(subject):
    """One request open, one closed on Tuesday, one closed two weeks before, one cancelled on Tuesday."""
    open_request = make_request(subject, type="access")
    tuesday, two_weeks_before = make_request(subject, type="copy"), make_request(subject, type="delete")
    cancelled = make_request(subject, type="rectify")
    for request, status, closed_at in (
        (tuesday, "rejected", MONDAY + timedelta(days=1)),
        (two_weeks_before, "rejected", MONDAY - timedelta(days=14)),
        (cancelled, "cancelled", MONDAY + timedelta(days=1)),
    ):
        reason = "manifestly_unfounded" if status == "rejected" else ""
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            status=status, outcome_reason=reason, closed_at=closed_at
        )
    return {"open": open_request, "tuesday": tuesday, "before": two_weeks_before, "cancelled": cancelled}


def test_a_closed_date_filter_alone_lists_the_requests_closed_in_that_period(requests):
    listed = request_queue(closed_since=MONDAY, closed_until=MONDAY + timedelta(days=7))
    assert {r.pk for r in listed} == {requests["tuesday"].pk, requests["cancelled"].pk}
    assert {r.pk for r in request_queue(closed_until=MONDAY)} == {requests["before"].pk}


def test_the_queue_page_applies_the_closed_dates_without_the_answered_choice(
    requests, logged_in, privacy_officer
):
    client = logged_in(privacy_officer)
    page = client.get(reverse("dsr:queue"), {"since": "2026-03-09", "until": "2026-03-16"}).content.decode()
    assert page.count('data-testid="queue-row"') == 2
    assert reverse("dsr:detail", args=[requests["open"].pk]) not in page
    assert reverse("dsr:detail", args=[requests["tuesday"].pk]) in page


def test_the_closed_dates_are_date_inputs(requests, logged_in, privacy_officer):
    client = logged_in(privacy_officer)
    page = client.get(reverse("dsr:queue")).content.decode()
    assert re.search(r'<input type="date" name="since"', page)
    assert re.search(r'<input type="date" name="until"', page)
    # The report's links carry exact ISO moments; the date input shows their local day.
    linked = client.get(reverse("dsr:queue"), {"since": "2026-03-09T00:00:00+07:00"}).content.decode()
    assert re.search(r'<input type="date" name="since" value="2026-03-09"', linked)


def test_the_queue_puts_the_deadline_columns_first_in_a_scrolling_frame(requests, logged_in, privacy_officer):
    page = logged_in(privacy_officer).get(reverse("dsr:queue")).content.decode()
    assert "{#" not in page and "#}" not in page  # a template comment is not shown to the reader
    frame = re.search(r'<div class="table-wrap"([^>]*)><table class="queue-table" data-testid="queue">', page)
    assert frame and 'role="region"' in frame.group(1) and "aria-label=" in frame.group(1)
    head = page.split('data-testid="queue"')[1].split("</thead>")[0]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head)
    assert headers[:5] == [
        "Loại", "Thời gian còn lại", "Thời hạn của ngân hàng", "Thời hạn theo luật", "Người phụ trách"
    ]
    row = page.split('data-testid="queue-row">')[1].split("</tr>")[0]
    assert row.lstrip().startswith('<td class="col-type">')
    assert row.count('class="nowrap') >= 5  # dates, the badge, the owner and the customer number


def test_the_stylesheet_keeps_short_cells_on_one_line_and_gives_the_type_room():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.queue-table \.nowrap\s*\{[^}]*white-space:\s*nowrap", css)
    assert re.search(r"\.queue-table \.col-type\s*\{[^}]*min-width:\s*\d", css)


@pytest.mark.parametrize("query", [{"since": "0001-01-01"}, {"until": "0001-01-01"}, {"since": "9999-12-31"}])
def test_a_date_outside_the_range_is_a_message_not_a_500(client, privacy_officer, query):
    client.force_login(privacy_officer)

    response = client.get(reverse("dsr:queue"), query)

    assert response.status_code == 200
    assert "Hãy nhập một ngày" in response.content.decode()


UNKNOWN_CIF = "No customer with this customer number (CIF)."
UNKNOWN_ASSIGNEE = "No staff member has this user id."


def _filter_refused(page: str, message: str) -> bool:
    """The queue says why it lists nothing, in the reader's language, instead of an empty list."""
    refusal = page[page.index('data-testid="queue-filter-error"'):]
    refusal = refusal[: refusal.index("</")]
    return in_either_language(message, refusal) and translated(message, "vi") != message


def test_a_customer_number_nobody_has_is_said_not_an_empty_queue(requests, logged_in, privacy_officer):
    """The API answers 400 for it; the page showed "No request matches these filters", as if the
    customer had no request."""
    client = logged_in(privacy_officer)

    answer = client.get(reverse("dsr:queue"), {"subject": "NO-SUCH-CIF"})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert _filter_refused(page, UNKNOWN_CIF)
    assert 'data-testid="queue-row"' not in page
    assert not in_either_language("No request matches these filters.", page)
    # The customer's own number lists their requests, as before.
    known = client.get(reverse("dsr:queue"), {"subject": requests["open"].subject.external_ref})
    assert known.status_code == 200 and known.content.decode().count('data-testid="queue-row"') == 4


def test_an_assignee_nobody_is_is_said_not_the_whole_queue(requests, logged_in, privacy_officer, officer):
    """An id no staff member has was a field error above the whole queue, every filter dropped."""
    services.request_assign(actor=STAFF, request_id=requests["open"].pk, assignee=privacy_officer)
    client = logged_in(privacy_officer)

    answer = client.get(reverse("dsr:queue"), {"assignee": "987654", "type": "access"})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert _filter_refused(page, UNKNOWN_ASSIGNEE)
    assert 'data-testid="queue-row"' not in page
    # A staff member's id lists what is assigned to them, with the other filters.
    mine = client.get(reverse("dsr:queue"), {"assignee": privacy_officer.pk}).content.decode()
    assert mine.count('data-testid="queue-row"') == 1
    assert reverse("dsr:detail", args=[requests["open"].pk]) in mine
    theirs = client.get(reverse("dsr:queue"), {"assignee": officer.pk, "type": "access"})
    assert theirs.status_code == 200 and 'data-testid="queue-row"' not in theirs.content.decode()
