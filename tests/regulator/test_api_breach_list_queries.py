"""The breaches list asks the same number of queries for one breach as for five: what each row's allowed
actions need (whether its customers are to be told) comes from the list's prefetch, not a query a row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regulator import services
from tests.regulator.factories import DPO, MONDAY, make_breach, make_inventory

pytestmark = pytest.mark.django_db


def _notified_breach(day: int, category: str):
    """A breach the authority was told of, which may then be closed: its allowed actions weigh whether
    its customers are to be told."""
    detected = MONDAY + timedelta(days=day)
    breach = make_breach(detected_at=detected, categories=(category,))
    services.breach_notify(actor=DPO, breach_id=breach.pk, now=detected + timedelta(hours=2))


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/v1/breaches/")
    assert answer.status_code == 200
    return len(queries)


def test_the_breach_list_asks_no_query_per_breach(as_user, dpo):
    client = as_user(dpo)
    make_inventory()
    _notified_breach(0, "accounts")
    _list_queries(client)  # the first call also reads what the process caches (permissions, catalogue)
    one = _list_queries(client)
    for day in range(1, 5):
        _notified_breach(day, "identity")
    assert _list_queries(client) == one
