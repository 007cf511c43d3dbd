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
