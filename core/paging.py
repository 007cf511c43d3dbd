"""Paging a page's long list without counting it: "Page N" with the previous and next pages, as the
API's cursor lists page (`core.api.pagination`).

A count of a list of millions of rows (the audit trail, every request ever received) for the "of M" of
"Page N of M" costs more than the page itself, on every page. Here a page reads one row more than it
shows, to know whether another follows, and counts nothing. `key_page` starts a page after the last
row of the one before, by a unique key the list is ordered by (the audit trail's sequence number), so
rows arriving while someone reads shift nothing; `offset_page` counts off the rows before it, for a
list ordered by no single key (the staff queue, by urgency). Both give a `ListPage`, which
`partials/pager.html` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

POSITION_PARAMS = ("page", "before", "after")
# The largest number a page or a position is read as: the databases' 64-bit integer. An entry number or
# an OFFSET past it is an error in the database (PostgreSQL "bigint out of range", SQLite "datatype
# mismatch"), where it only means "past the end of the list".
LARGEST = 2**63 - 1


@dataclass(frozen=True)
class ListPage:
    rows: list
    number: int
    # The query strings of the previous and the next page (the page's other parameters kept); None when
    # there is none.
    previous: str | None
    next: str | None


def _whole(value: str | None) -> int | None:
    """`value` as a whole number, at most `LARGEST`; None when it is not one (`isdecimal` alone takes
    the Arabic-Indic digits, which no link of ours holds; `isdigit` takes a superscript two, which `int`
    refuses)."""
    if value is None or not (value.isascii() and value.isdecimal()):
        return None
    return min(int(value), LARGEST)


def _query(params: QueryDict, number: int, **position: Any) -> str:
    kept = params.copy()
    for name in POSITION_PARAMS:
        kept.pop(name, None)
    kept.update({"page": str(max(number, 1)), **{name: str(value) for name, value in position.items()}})
    return kept.urlencode()


def key_page(queryset: QuerySet, *, key: str, params: QueryDict, size: int) -> ListPage:
    """The page of `queryset`, newest first by `key` (a unique whole number), that `params` name: the
    rows before `before`, or after `after` (the page before), or the newest; a position that is not a
    whole number, or both at once, is the newest page. `page` only numbers it."""
    before, after = _whole(params.get("before")), _whole(params.get("after"))
    if before is not None and after is not None:
        before = after = None
    number = max(_whole(params.get("page")) or 1, 1) if before is not None or after is not None else 1
    if after is not None:
        rows = list(queryset.filter(**{f"{key}__gt": after}).order_by(key)[: size + 1])
        newer, older = len(rows) > size, True
        rows = rows[:size][::-1]
    else:
        if before is not None:
            queryset = queryset.filter(**{f"{key}__lt": before})
        rows = list(queryset.order_by(f"-{key}")[: size + 1])
        newer, older = before is not None, len(rows) > size
        rows = rows[:size]
    if not rows:
        return ListPage(rows, number, None, None)
    return ListPage(
        rows,
        number,
        previous=_query(params, number - 1, after=getattr(rows[0], key)) if newer else None,
        next=_query(params, number + 1, before=getattr(rows[-1], key)) if older else None,
    )


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


def same_page(url: str, params: QueryDict) -> str:
    """`url` on the page `params` number (`page`), for a form posted from a page of a list to come back
    to it; `url` itself when no whole number is given."""
    number = params.get("page", "")
    return f"{url}?page={number}" if number.isdigit() else url
