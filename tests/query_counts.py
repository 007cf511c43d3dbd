"""Counting the queries of one page or API call: a list that costs a query (or a write) per row it shows
costs more with 20 rows than with 2, and with a million customers that is what makes a page slow."""
from __future__ import annotations

import math
from collections.abc import Callable
from unittest import mock

from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from consents import catalogue
from integrations import principals


def queries_of(call: Callable[[], HttpResponse]) -> int:
    """The queries of `call` made a second time: the first fills the caches every request shares (the
    caller's token and role, the purpose catalogue). Those expire after seconds (the token after two),
    so they are held for both calls: on a loaded machine one could lapse in between, and its reload be
    counted as the list's. The answer must be a 200."""
    with (
        override_settings(API_TOKEN_CACHE_SECONDS=math.inf),
        mock.patch.object(principals, "USER_TTL_SECONDS", math.inf),
        mock.patch.object(catalogue.purpose_catalogue_cache, "ttl_seconds", math.inf),
    ):
        call()
        with CaptureQueriesContext(connection) as queries:
            response = call()
    assert response.status_code == 200, response.content[:500]
    return len(queries)
