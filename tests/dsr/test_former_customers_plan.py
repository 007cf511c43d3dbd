"""The nightly erasure of former customers and its DPO page read the few former customers still to
erase on their partial index, not every customer: most of a bank's customers are current (no
relationship's end) or already erased, and a scan would read them all each night and each time the page
opens. The plan is PostgreSQL's; SQLite plans its own way."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from dsr.selectors.former_customers import former_customers_past_retention
from subjects.models import DataSubject
from tests.dsr.factories import make_inventory
from tests.plans import index_reads

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def _customers(count: int, prefix: str, **fields) -> None:
    DataSubject.objects.bulk_create(
        [DataSubject(external_ref=f"{prefix}{n:06d}", full_name="Khách", **fields) for n in range(count)]
    )


def test_the_former_customers_due_are_read_on_their_partial_index():
    if connection.vendor != "postgresql":
        pytest.skip("the plan of PostgreSQL is what is checked")
    make_inventory()
    _customers(4000, "CUR")
    _customers(1000, "ERA", relationship_ended_on=date(2012, 1, 1), retention_erased_at=timezone.now())
    _customers(20, "DUE", relationship_ended_on=date(2014, 1, 1))

    due = former_customers_past_retention(today=TODAY)

    assert due.count() == 20
    reads = index_reads(due.values_list("pk", flat=True)[:100], DataSubject._meta.db_table)
    # The wards of each (a guardian kept for a child) are read on the guardian's index.
    assert "subject_former_unerased" in reads and "Seq Scan" not in reads
