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


@pytest.mark.parametrize(("asked", "nearest"), [
    # Not a whole number (a superscript two is a digit to `str.isdigit`, and no number to `int`): the first.
    ("%C2%B2", 1), ("abc", 1), ("0", 1),
    # Past the end, even past the databases' 64-bit integer: the last.
    ("3", 2), ("99", 2), ("9999999999999999999999", 2),
])
def test_a_page_number_the_queue_has_not_shows_the_nearest_page(
    logged_in, privacy_officer, subject, asked, nearest
):
    for _ in range(55):
        make_request(subject)
    page = logged_in(privacy_officer).get(f"{QUEUE}?page={asked}&type=access")
    assert page.status_code == 200
    shown = page.content.decode()
    assert re.search(rf"(Page|Trang) {nearest}\b", shown)
    assert (_rows(shown), _links(shown)) == {
        1: (50, {"next": "?type=access&page=2"}),
        2: (5, {"prev": "?type=access&page=1"}),
    }[nearest]


def test_a_page_past_the_end_of_an_empty_queue_says_nothing_matches(logged_in, privacy_officer):
    shown = logged_in(privacy_officer).get(f"{QUEUE}?page=4").content.decode()
    assert _rows(shown) == 0 and _links(shown) == {}
