"""The staff queue pages without counting the requests it lists: "Page N" with the previous and next
pages (docs/requests.md, "Indexes"). Every request ever received is in the unfiltered queue, closed ones
after the open; a count of them for "of M", on every page, cost more than the page the queue's index
reads (143 ms at 600,000 requests, growing with the history)."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db
QUEUE = reverse("dsr:queue")


def _links(page: str) -> dict[str, str]:
    """The pager's links to the previous and next page, by their `rel`."""
    if 'class="pager"' not in page:
        return {}
    pager = page[page.index('class="pager"') :]
    links = re.findall(r'<a [^>]*rel="(\w+)" href="([^"]+)"', pager[: pager.index("</nav>")])
    return {rel: html.unescape(href) for rel, href in links}


def _rows(page: str) -> int:
    return page.count('data-testid="queue-row"')


def test_the_queue_pages_without_counting_the_requests(logged_in, privacy_officer, subject):
    for _ in range(55):
        make_request(subject)
    client = logged_in(privacy_officer)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(QUEUE).content.decode()
    counted = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert [sql for sql in counted if "dsr_datasubjectrequest" in sql] == []
    assert _rows(first) == 50 and "prev" not in _links(first)

    second = client.get(QUEUE + _links(first)["next"]).content.decode()
    assert _rows(second) == 5 and "next" not in _links(second)
    assert re.search(r"(Page|Trang) 2\b", second)
    assert _rows(client.get(QUEUE + _links(second)["prev"]).content.decode()) == 50


@pytest.mark.parametrize("asked", ["%C2%B2", "abc", "0"])
def test_a_page_number_that_is_not_one_shows_the_first_page(logged_in, privacy_officer, subject, asked):
    for _ in range(55):
        make_request(subject)
    page = logged_in(privacy_officer).get(f"{QUEUE}?page={asked}")
    assert page.status_code == 200
    assert _rows(page.content.decode()) == 50


@pytest.mark.parametrize("asked", ["3", "99", "9999999999999999999999"])
def test_a_page_past_the_end_of_the_queue_shows_the_last_page(logged_in, privacy_officer, subject, asked):
    for _ in range(55):
        make_request(subject)
    page = logged_in(privacy_officer).get(f"{QUEUE}?page={asked}&type=access")
    assert page.status_code == 200
    shown = page.content.decode()
    assert _rows(shown) == 5 and re.search(r"(Page|Trang) 2\b", shown)
    assert _links(shown) == {"prev": "?type=access&page=1"}


def test_a_page_past_the_end_of_an_empty_queue_says_nothing_matches(logged_in, privacy_officer):
    shown = logged_in(privacy_officer).get(f"{QUEUE}?page=4").content.decode()
    assert _rows(shown) == 0 and _links(shown) == {}
