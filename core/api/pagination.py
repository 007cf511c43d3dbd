"""Paging of every API list: by `limit` and `offset` (the contract's), or by `cursor` (keyset).

An offset counts rows: when rows ahead of it leave the list while a client pages (a partner working
through `?status=open` duties acknowledges each one it read), the next offset skips as many rows it
never saw. A cursor names the last row read instead, by the values of the list's sort keys, and the
next page is the rows after it in the list's order (`core.ordering.rows_after`): rows that left the
list or changed behind it move nothing, and a row added behind it is not read (it is in a later poll).

`?cursor=` (empty) asks for the first page by cursor; each answer's `next` then carries the cursor of
its last row (and the same `limit`), and is null on the last page. Paging by cursor goes forward only
(`previous` is null). Every list is totally ordered first (`core.ordering.totally_ordered`), so
neither way repeats a row or leaves one out.

A cursor page runs no count of the list (`count` is null): it reads one row more than it gives to know
whether a next page exists, so the `COUNT(*)` over the whole filtered list, most of a page's cost on a
large table, would serve only the number. Offset pages keep the contract's `count`.

A `limit` that is not a whole number from 1 to `max_limit`, an `offset` that is not one from 0, and a
query parameter the list does not know (`core.api.filters.query_parameters_check`) are each a 400 on
that parameter: read as the default they would answer another page than the one asked for.
"""
from __future__ import annotations

import re

from django.core import signing
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.api.filters import list_filter_names, query_parameters_check
from core.errors import InvalidInput
from core.ordering import (
    OrderKey,
    UnsupportedOrder,
    order_keys,
    read_position,
    row_position,
    rows_after,
    totally_ordered,
)

CURSOR_SALT = "core.api.pagination.cursor"
# A row count: what a BIGINT holds, without a sign.
_COUNT = re.compile(r"[0-9]{1,18}")
CURSOR_DESCRIPTION = (
    "Page by cursor instead of offset: empty (`cursor=`) for the first page, then the `next` link of "
    "each answer. A cursor page starts after the last row of the page before, so rows that leave the "
    "list while you page (a duty you acknowledged) make you skip none. Not with `offset`."
)


class DefaultPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        query_parameters_check(
            request.query_params, filters=list_filter_names(view),
            also=(self.limit_query_param, self.offset_query_param, self.cursor_query_param),
        )
        queryset = totally_ordered(queryset)
        self.keys: list[OrderKey] | None = None
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        if self.offset_query_param in request.query_params:
            raise InvalidInput(
                _("Give either a cursor or an offset, not both."), field=self.cursor_query_param
            )
        self.request = request
        self.limit = self.get_limit(request)
        try:
            self.keys = order_keys(queryset)
        except UnsupportedOrder:
            # Every list today can (tests/core/test_api_list_order.py); a 400, not a 500, if one cannot.
            raise InvalidInput(_("This list cannot be paged by cursor; page it by offset."),
                               field=self.cursor_query_param) from None
        self.count = None  # no COUNT(*) by cursor: `next` comes from the extra row read
        position = self.read_cursor(request.query_params[self.cursor_query_param])
        rows = list(rows_after(queryset, self.keys, position)[: self.limit + 1])
        self.last = rows[self.limit - 1] if len(rows) > self.limit else None
        return rows[: self.limit]

    def get_limit(self, request):
        given = request.query_params.get(self.limit_query_param)
        if given is None:
            return self.default_limit
        if not _COUNT.fullmatch(given) or not 1 <= int(given) <= self.max_limit:
            raise InvalidInput(
                _("Give a whole number of rows per page from 1 to %(cap)s."),
                field=self.limit_query_param, cap=self.max_limit,
            )
        return int(given)

    def get_offset(self, request):
        given = request.query_params.get(self.offset_query_param)
        if given is None:
            return 0
        if not _COUNT.fullmatch(given):
            raise InvalidInput(
                _("Give a whole number of rows to skip, 0 or more."), field=self.offset_query_param
            )
        return int(given)

    def read_cursor(self, cursor: str) -> list | None:
        """The position a cursor carries, None for the first page; a cursor this list did not give
        (another list's, or altered) is a 400 on `cursor`."""
        if not cursor:
            return None
        try:
            written = signing.loads(cursor, salt=CURSOR_SALT)
            if written.get("order") != [key.label for key in self.keys]:
                raise ValueError("a cursor of another order")
            return read_position(written.get("after"), self.keys)
        except (signing.BadSignature, ValueError, AttributeError) as exc:
            raise InvalidInput(
                _("This cursor is not one this list gave. Start again with an empty cursor."),
                field=self.cursor_query_param,
            ) from exc

    def get_next_link(self):
        if self.keys is None:
            return super().get_next_link()
        if self.last is None:
            return None
        cursor = signing.dumps(
            {"order": [key.label for key in self.keys], "after": row_position(self.last, self.keys)},
            salt=CURSOR_SALT,
            compress=True,
        )
        url = replace_query_param(self.request.build_absolute_uri(), self.limit_query_param, self.limit)
        return replace_query_param(remove_query_param(url, self.offset_query_param), self.cursor_query_param,
                                   cursor)

    def get_previous_link(self):
        return None if self.keys is not None else super().get_previous_link()

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"].update(
            nullable=True,
            description="How many rows the whole list holds; null on a page read by cursor, which does not "
                        "count the list.",
        )
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": CURSOR_DESCRIPTION,
                "schema": {"type": "string"},
            },
        ]
