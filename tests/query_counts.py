"""Counting the queries of one page or API call: a list that costs a query (or a write) per row it shows
costs more with 20 rows than with 2, and with a million customers that is what makes a page slow."""
from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext


def queries_of(call: Callable[[], HttpResponse]) -> int:
    """The queries of `call` made a second time: the first fills the caches every request shares (the
    caller's token and role, the purpose catalogue). The answer must be a 200."""
    call()
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content[:500]
    return len(queries)
