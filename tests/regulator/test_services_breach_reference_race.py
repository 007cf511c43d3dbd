"""A breach's reference is the year's count plus one. Two DPOs recording a breach at once on PostgreSQL
(READ COMMITTED) both counted before either committed, took the same number, and the second recording
failed on the unique reference with a 500, its whole form lost. The race is played here in order: the
other recording reads the sequence after this one has, and before this one commits."""

from __future__ import annotations

import pytest

from regulator.models import Breach
from regulator.services import breaches
from tests.concurrency import lock_waited_for, started_in_other_connection
from tests.dsr.factories import make_inventory
from tests.regulator.factories import make_breach
from tests.runs import only_on

pytestmark = [
    pytest.mark.django_db(transaction=True),
    only_on("postgresql", "SQLite has one writer at a time"),
]


def _second_breach():
    return make_breach(title="Second breach", categories=["identity"])


def test_two_breaches_recorded_at_once_take_the_next_two_references(monkeypatch):
    make_inventory()
    numbered = breaches._next_reference
    other: dict = {}

    def number_then_let_the_other_in(year: int) -> str:
        reference = numbered(year)
        if not other:
            thread, out = started_in_other_connection(_second_breach)
            other.update(thread=thread, out=out)
            lock_waited_for(until=lambda: not thread.is_alive())
        return reference

    monkeypatch.setattr(breaches, "_next_reference", number_then_let_the_other_in)

    first = make_breach(title="First breach", categories=["identity"])

    other["thread"].join(60)
    assert not other["thread"].is_alive() and "error" not in other["out"], other["out"]
    year = first.reference.split("-")[1]
    assert dict(Breach.objects.values_list("title", "reference")) == {
        "First breach": f"BR-{year}-0001",
        "Second breach": f"BR-{year}-0002",
    }
