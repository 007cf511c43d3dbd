"""`locked_after_customers` lets go and tries again only when a customer that joined its set late is
held by another writer (its NOWAIT lock failed). An ordinary wait that a `lock_timeout` ends (a DBA may
set one for the whole server) is that timeout's failure, at once: it was retried as if a late customer
were busy, five rounds of the full wait before a 409 that hid the cause."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dsr.models import DataSubjectRequest
from subjects import locks
from tests.concurrency import held_in_other_connection
from tests.dsr.factories import MONDAY, make_request
from tests.factories import make_subject
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


def test_a_lock_timeout_on_a_customer_known_from_the_start_is_not_retried(monkeypatch):
    customer = make_subject()
    make_request(customer, type="complaint", now=MONDAY)
    rounds = []
    one_round = locks._locked_in_one_round
    monkeypatch.setattr(locks, "_locked_in_one_round", lambda *args: rounds.append(1) or one_round(*args))
    with held_in_other_connection(customer):
        with pytest.raises(DatabaseError) as raised, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '50ms'")
            locks.locked_after_customers(DataSubjectRequest.objects.filter(subject=customer))
    assert getattr(raised.value.__cause__, "sqlstate", None) == "55P03"
    assert len(rounds) == 1
