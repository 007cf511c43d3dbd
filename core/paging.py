"""Paging a page's long list without counting it: "Page N" with the previous and next pages, as the
API's cursor lists page (`core.api.pagination`).

A count of a list of millions of rows (the audit trail, every request ever received) for the "of M" of
"Page N of M" costs more than the page itself, on every page. Here a page reads one row more than it
shows, to know whether another follows, and counts nothing. `key_page` starts a page after the last
row of the one before, by a unique key the list is ordered by (the audit trail's sequence number), so
rows arriving while someone reads shift nothing; `offset_page` counts off the rows before it, for a
list ordered by no single key (the staff queue, by urgency). Both give a `ListPage`, which
`partials/pager.html` shows; so does a page of a list short enough to count (Django's `Paginator`),
through `numbered_page` and `partials/pagination.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import QueryDict

POSITION_PARAMS = ("page", "before", "after")
# The largest number a page or a position is read as: the databases' 64-bit integer. An entry number or
# an OFFSET past it is an error in the database (PostgreSQL "bigint out of range", SQLite "datatype
# mismatch"), where it only means "past the end of the list".
LARGEST = 2**63 - 1


@dataclass(frozen=True)
class ListPage:
    rows: Sequence
    # None when it is not known: a page of the audit trail reached back past entries recorded since the
    # reader began (the page their "Page 1" was is no longer the newest).
    number: int | None
    # The query strings of the previous and the next page (the page's other parameters kept); None when
    # there is none.
    previous: str | None
    next: str | None
    # The query string of the newest page, on the other pages of a list paged by key: "Previous" may take
    # many steps back to it once entries keep coming, or none (a position past the oldest entry).
    newest: str | None = None
    # How many pages: for a list short enough to count (Django's `Paginator`), None for the others.
    pages: int | None = None


def _whole(value: str | None) -> int | None:
    """`value` as a whole number, at most `LARGEST`; None when it is not one (`isdecimal` alone takes
    the Arabic-Indic digits, which no link of ours holds; `isdigit` takes a superscript two, which `int`
    refuses)."""
    if value is None or not (value.isascii() and value.isdecimal()):
        return None
    return min(int(value), LARGEST)


def _query(params: QueryDict, number: int | None, **position: Any) -> str:
    kept = params.copy()
    for name in POSITION_PARAMS:
        kept.pop(name, None)
    if number is not None:
        kept["page"] = str(max(number, 1))
    kept.update({name: str(value) for name, value in position.items()})
    return kept.urlencode()


def _keyed(
    rows: list, key: str, params: QueryDict, *, number: int | None, newer: bool, older: bool
) -> ListPage:
    """A page of a key-paged list: `number`, when known, is 1 on the newest page only."""
    if not newer:
        number = 1
    elif number is not None and number <= 1:
        number = None
    newer_number, older_number = (None, None) if number is None else (number - 1, number + 1)
    return ListPage(
        rows,
        number,
        previous=_query(params, newer_number, after=getattr(rows[0], key)) if newer else None,
        next=_query(params, older_number, before=getattr(rows[-1], key)) if older else None,
        newest=_query(params, 1) if newer else None,
    )


def key_page(queryset: QuerySet, *, key: str, params: QueryDict, size: int) -> ListPage:
    """The page of `queryset`, newest first by `key` (a unique whole number), that `params` name: the
    rows before `before`, or after `after` (the page before), or the newest; a position that is not a
    whole number, or both at once, is the newest page, as is one with less than a page newer than it. A
    position past the oldest row is the oldest page. `page` is the number the reader's path gave the page,
    counted from the newest page when they started: rows added since (or a kept link) make it stale, as
    a cursor list counts nothing. Only a number that cannot be right is not shown: the newest page is
    page 1 and no other page is."""
    before, after = _whole(params.get("before")), _whole(params.get("after"))
    if before is not None and after is not None:
        before = after = None
    asked = _whole(params.get("page"))
    if after is not None:
        rows = list(queryset.filter(**{f"{key}__gt": after}).order_by(key)[: size + 1])
        if len(rows) > size:
            # The row at `after` is older, unless the position was written by hand below the oldest.
            older = queryset.filter(**{f"{key}__lte": after}).exists()
            return _keyed(rows[:size][::-1], key, params, number=asked, newer=True, older=older)
    elif before is not None:
        rows = list(queryset.filter(**{f"{key}__lt": before}).order_by(f"-{key}")[: size + 1])
        if rows:
            # One look along the key's index: a link kept from a page whose newer rows were since
            # archived, or a position written by hand, may well be the newest page.
            newer = queryset.filter(**{f"{key}__gt": getattr(rows[0], key)}).exists()
            return _keyed(rows[:size], key, params, number=asked, newer=newer, older=len(rows) > size)
        rows = list(queryset.order_by(key)[: size + 1])
        if rows:
            return _keyed(rows[:size][::-1], key, params, number=None, newer=len(rows) > size, older=False)
    rows = list(queryset.order_by(f"-{key}")[: size + 1])
    if not rows:
        return ListPage(rows, 1, None, None)
    return _keyed(rows[:size], key, params, number=1, newer=False, older=len(rows) > size)


def offset_page(queryset: QuerySet, *, params: QueryDict, size: int) -> ListPage:
    """Page `page` of `queryset` in its own order: the first for a `page` that is not a whole number,
    the last for one past the end, as Django's `Paginator.get_page` shows the counted lists."""
    number = min(max(_whole(params.get("page")) or 1, 1), LARGEST // size)
    rows = list(queryset[(number - 1) * size : number * size + 1])
    if not rows and number > 1:
        # Counted only here, past the end (a link kept while the list was longer): no page in it pays.
        number = max((queryset.count() + size - 1) // size, 1)
        rows = list(queryset[(number - 1) * size : number * size + 1])
    return ListPage(
        rows[:size],
        number,
        previous=_query(params, number - 1) if number > 1 else None,
        next=_query(params, number + 1) if len(rows) > size else None,
    )


def page_query(number: int) -> str:
    """The query string that keeps page `number` of a list in the address of a form posted from it
    (`same_page` reads it back); nothing for the first page."""
    return f"?page={number}" if number > 1 else ""


def numbered_page(page: Page, params: QueryDict) -> ListPage:
    """A page of Django's `Paginator` (a list short enough to count), the page's other parameters kept
    in its links: "Page N of M"."""
    return ListPage(
        page.object_list,
        page.number,
        previous=_query(params, page.previous_page_number()) if page.has_previous() else None,
        next=_query(params, page.next_page_number()) if page.has_next() else None,
        pages=page.paginator.num_pages,
    )


def same_page(url: str, params: QueryDict) -> str:
    """`url` on the page `params` number (`page`), for a form posted from a page of a list to come back
    to it; `url` itself when no whole number is given."""
    number = _whole(params.get("page"))
    return f"{url}{page_query(number)}" if number else url
