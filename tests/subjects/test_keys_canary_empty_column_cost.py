"""A column NULL on every row (an optional field nobody filled yet) cost the start-up canary two full table
scans, one per end of the primary-key order, ~0.43 s per column at a million rows on PostgreSQL, at every
process start. When the first read finds no row, the second cannot find one either. (Disaster-recovery
follow-up.)"""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subjects.checks import _end_values
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_column_with_no_stored_value_is_read_once():
    make_subject()
    table, pk = DataSubject._meta.db_table, DataSubject._meta.pk.column
    with CaptureQueriesContext(connection) as queries:
        assert _end_values(table, pk, [pk], where="1 = 0") == []
    assert len(queries) == 1


def test_a_column_with_values_still_reads_both_ends():
    for _ in range(3):
        make_subject()
    table, pk = DataSubject._meta.db_table, DataSubject._meta.pk.column
    with CaptureQueriesContext(connection) as queries:
        rows = _end_values(table, pk, [pk], where="1 = 1")
    assert len(queries) == 2
    assert len(rows) == 2
