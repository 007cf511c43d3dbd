"""The audit trail page pages by entry number without counting the trail: "Page N" with the newer and
older pages, as the API's cursor lists do (docs/operations.md, "The audit trail page").

A count of a multi-million-entry trail, filtered or not, cost each page most of a second (0.7 s at 3
million entries) for the "of M" nobody reads; and an offset page shifted as entries kept coming, so
"Next" showed again entries already read. A page now starts after the last entry of the one before.
"""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record
from core.actors import Actor

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
TRAIL = reverse("audit:trail")


def _write(n: int, action: str = "core.token.issued") -> None:
    with transaction.atomic():
        for i in range(n):
            audit_record(action=action, actor=SYSTEM, data={"i": i})


def _numbers(page: str) -> list[int]:
    """The entry numbers the page lists, in its order."""
    return [int(n) for n in re.findall(r'<tr><td class="mono">(\d+)</td>', page)]


def _links(page: str) -> dict[str, str]:
    """The pager's links to the newest ("first"), newer ("prev") and older ("next") page, by their `rel`."""
    if 'class="pager"' not in page:
        return {}
    pager = page[page.index('class="pager"') :]
    pager = pager[: pager.index("</nav>")]
    links = re.findall(r'<a [^>]*rel="(\w+)" href="([^"]+)"', pager)
    return {rel: html.unescape(href) for rel, href in links}


def test_a_page_of_the_trail_counts_nothing(logged_in, auditor):
    _write(60)
    client = logged_in(auditor)
    for address in (TRAIL, f"{TRAIL}?action=core.token.issued"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counted = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert [sql for sql in counted if "audit_auditentry" in sql] == []


def test_pages_follow_the_entry_numbers_and_new_entries_shift_none(logged_in, auditor):
    _write(120)
    client = logged_in(auditor)
    newest = list(AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True))

    first = client.get(TRAIL).content.decode()
    assert _numbers(first) == newest[:50]
    assert "prev" not in _links(first)
    _write(7)  # the trail grows while the auditor reads: the next page goes on where this one ended

    second = client.get(TRAIL + _links(first)["next"]).content.decode()
    assert _numbers(second) == newest[50:100]
    assert re.search(r"(Page|Trang) 2\b", second)
    third = client.get(TRAIL + _links(second)["next"]).content.decode()
    assert _numbers(third) == newest[100:]
    assert "next" not in _links(third)

    back = client.get(TRAIL + _links(third)["prev"]).content.decode()
    assert _numbers(back) == newest[50:100]
    assert re.search(r"(Page|Trang) 2\b", back)


def test_the_pages_keep_the_filters(logged_in, auditor):
    _write(55)
    _write(5, action="core.token.revoked")
    client = logged_in(auditor)
    first = client.get(f"{TRAIL}?action=core.token.issued").content.decode()
    following = _links(first)["next"]
    assert "action=core.token.issued" in following
    second = client.get(TRAIL + following).content.decode()
    issued = AuditEntry.objects.filter(action="core.token.issued").order_by("-sequence")
    assert _numbers(second) == list(issued.values_list("sequence", flat=True))[50:]


@pytest.mark.parametrize("query", [
    "before=x", "after=-", "before=1&after=2", "page=abc",
    # A superscript two is a digit to `str.isdigit` and no number to `int`; a position past any 64-bit
    # entry number overflows the database's integer.
    "before=%C2%B2", "after=%C2%B2", "page=%C2%B2&before=99", "before=99999999999999999999999",
    "after=99999999999999999999999",
])
def test_a_mangled_position_shows_the_newest_entries(logged_in, auditor, query):
    _write(3)
    page = logged_in(auditor).get(f"{TRAIL}?{query}")
    assert page.status_code == 200
    newest = list(AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True))
    assert _numbers(page.content.decode()) == newest


def test_a_page_reached_back_past_new_entries_claims_no_number_and_offers_the_newest(logged_in, auditor):
    _write(120)
    client = logged_in(auditor)
    first = client.get(TRAIL).content.decode()
    second = client.get(TRAIL + _links(first)["next"]).content.decode()
    _write(30)  # while the auditor reads page 2, thirty entries more: page 1 is no longer the newest
    newest = list(AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True))

    back = client.get(TRAIL + _links(second)["prev"]).content.decode()
    assert _numbers(back) == newest[30:80]
    assert not re.search(r"(Page|Trang) \d", back)
    assert "page=" not in _links(back)["prev"]
    assert _numbers(client.get(TRAIL + _links(back)["first"]).content.decode()) == newest[:50]

    # Back again: the newest page (less than a page newer than that one), which is page 1 again.
    newest_page = client.get(TRAIL + _links(back)["prev"]).content.decode()
    assert _numbers(newest_page) == newest[:50]
    assert re.search(r"(Page|Trang) 1\b", newest_page)
    assert _links(newest_page) == {"next": _links(newest_page)["next"]}


def test_a_position_past_the_oldest_entry_shows_the_oldest_page_and_the_newest(logged_in, auditor):
    _write(120)
    client = logged_in(auditor)
    newest = list(AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True))

    page = client.get(f"{TRAIL}?before={newest[-1]}&page=3").content.decode()
    assert _numbers(page) == newest[-50:]
    assert not re.search(r"(Page|Trang) \d", page)
    assert "next" not in _links(page)
    assert _numbers(client.get(TRAIL + _links(page)["first"]).content.decode()) == newest[:50]
    assert _numbers(client.get(TRAIL + _links(page)["prev"]).content.decode()) == newest[-100:-50]


def test_a_position_newer_than_the_newest_entry_is_the_newest_page(logged_in, auditor):
    _write(60)
    client = logged_in(auditor)
    newest = list(AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True))
    for query in (f"before={newest[0] + 5}&page=4", f"after={newest[20]}&page=3"):
        page = client.get(f"{TRAIL}?{query}").content.decode()
        assert _numbers(page) == newest[:50], query
        assert re.search(r"(Page|Trang) 1\b", page), query
        assert set(_links(page)) == {"next"}, query


def test_a_position_below_the_oldest_entry_offers_no_older_page(logged_in, auditor):
    """`after=` below the oldest entry (written by hand) showed the oldest page with a "Next" link back to
    itself."""
    _write(120)
    client = logged_in(auditor)
    oldest = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))

    page = client.get(f"{TRAIL}?after={oldest[0] - 1}&page=2").content.decode()
    assert _numbers(page) == oldest[:50][::-1]
    assert "next" not in _links(page)
    assert _numbers(client.get(TRAIL + _links(page)["prev"]).content.decode()) == oldest[50:100][::-1]
