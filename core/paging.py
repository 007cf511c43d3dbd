"""Paging a page's long list by a key, without counting the list: "Page N" with the newer and older
pages, as the API's cursor lists page (`core.api.pagination`).

A list of millions of rows (the audit trail) costs a count of all of them for the "of M" of "Page N of
M", on every page; and an offset shifts as rows keep coming, so the next page repeats rows already
read. Here the list is ordered by a unique key, descending (`-sequence`), and a page starts after the
last row of the one before (`?before=<key>`), or ends before the first row of the one after
(`?after=<key>`): one indexed read of a page and one row more, to know whether there is another.
`page` only numbers the page for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

POSITION_PARAMS = ("page", "before", "after")


@dataclass(frozen=True)
class KeyPage:
    rows: list
    number: int
    # The query strings of the newer and the older page (the page's other parameters kept); None when
    # there is none.
    newer: str | None
    older: str | None


def _whole(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def key_page(queryset: QuerySet, *, key: str, params: QueryDict, size: int) -> KeyPage:
    """The page of `queryset` (ordered by `key` descending, a unique whole number) that `params` name:
    the rows before `before`, or after `after`, or the newest; a position that is not a whole number,
    or both at once, is the newest page."""
    before, after = _whole(params.get("before")), _whole(params.get("after"))
    if before is not None and after is not None:
        before = after = None
    number = max(_whole(params.get("page")) or 1, 1) if before is not None or after is not None else 1
    if after is not None:
        rows = list(queryset.filter(**{f"{key}__gt": after}).order_by(key)[: size + 1])
        newer_exists, older_exists = len(rows) > size, True
        rows = rows[:size][::-1]
    else:
        if before is not None:
            queryset = queryset.filter(**{f"{key}__lt": before})
        rows = list(queryset.order_by(f"-{key}")[: size + 1])
        newer_exists, older_exists = before is not None, len(rows) > size
        rows = rows[:size]
    if not rows:
        return KeyPage(rows, number, None, None)
    return KeyPage(
        rows,
        number,
        newer=_query(params, number - 1, "after", getattr(rows[0], key)) if newer_exists else None,
        older=_query(params, number + 1, "before", getattr(rows[-1], key)) if older_exists else None,
    )


def _query(params: QueryDict, number: int, side: str, value: Any) -> str:
    kept = params.copy()
    for name in POSITION_PARAMS:
        kept.pop(name, None)
    kept.update({"page": str(max(number, 1)), side: str(value)})
    return kept.urlencode()
