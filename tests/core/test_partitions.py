"""Monthly partitions of the history tables (core/partitions.py), on PostgreSQL.

SQLite keeps plain tables; these tests run in the PostgreSQL run of the suite.
"""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.selectors import audit_chain_verify
from audit.services import audit_record
from core.actors import Actor
from core.partitions import partitioned_tables, partitions_ensure, table_rebuild
from integrations.models import OutboxDedupeKey, OutboxMessage
from integrations.outbox import email_message, outbox_enqueue_email, outbox_enqueue_email_batch

HISTORY_TABLES = [
    "audit_auditentry",
    "authorisations_accessrecord",
    "consents_consentevent",
    "core_outboxmessage",
]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's; SQLite keeps plain tables")


def _partitions_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY 1",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _partition_holding(table: str, where: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_history_table_is_partitioned_by_month_with_a_default():
    with connection.cursor() as cursor:
        assert partitioned_tables(cursor) == HISTORY_TABLES
    for table in HISTORY_TABLES:
        partitions = _partitions_of(table)
        assert f"{table}_default" in partitions
        this_month = date.today().replace(day=1)  # noqa: DTZ011
        assert f"{table}_y{this_month.year}m{this_month.month:02d}" in partitions


@pytest.mark.django_db
def test_the_beat_job_creates_months_ahead_once():
    created = partitions_ensure(connection, today=date(2031, 11, 15), months_ahead=2)
    assert sorted(created) == sorted(
        f"{table}_y{y}m{m:02d}" for table in HISTORY_TABLES for y, m in [(2031, 11), (2031, 12), (2032, 1)]
    )
    assert partitions_ensure(connection, today=date(2031, 11, 15), months_ahead=2) == []


@pytest.mark.django_db
def test_the_audit_chain_verifies_across_partitions_and_stays_append_only():
    partitions_ensure(connection, today=date(2031, 1, 1), months_ahead=1)
    system = Actor.system("tests")
    moments = [
        datetime(2031, 1, 31, 23, 0, tzinfo=UTC),
        datetime(2031, 2, 1, 1, 0, tzinfo=UTC),
        datetime(2040, 5, 1, tzinfo=UTC),
    ]
    entries = [
        audit_record(action="core.token.issued", actor=system, data={"i": i}, now=at)
        for i, at in enumerate(moments)
    ]
    holders = [_partition_holding("audit_auditentry", "id = %s", [entry.pk]) for entry in entries]
    assert holders == ["audit_auditentry_y2031m01", "audit_auditentry_y2031m02", "audit_auditentry_default"]

    assert audit_chain_verify().valid

    for table in ("audit_auditentry", holders[0]):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"UPDATE {table} SET action = 'x' WHERE id = %s", [entries[0].pk])  # noqa: S608


@pytest.mark.django_db
def test_outbox_dedupe_still_holds_across_months():
    first = outbox_enqueue_email(
        to="a@example.com", template="dsr/emails/x", context={}, dedupe_key="k1", topic="t"
    )
    again = outbox_enqueue_email(
        to="a@example.com", template="dsr/emails/x", context={}, dedupe_key="k1", topic="t"
    )
    assert again.pk == first.pk
    batch = [
        email_message(
            to="b@example.com",
            template="dsr/emails/x",
            context={},
            dedupe_key=key,
            topic="t",
            now=timezone.now(),
        )
        for key in ("k1", "k2", "k2")
    ]
    assert outbox_enqueue_email_batch(batch[:2], dispatch=False) == 1
    assert outbox_enqueue_email_batch(batch[2:], dispatch=False) == 0
    assert OutboxMessage.objects.filter(dedupe_key__in=["k1", "k2"]).count() == 2
    assert set(OutboxDedupeKey.objects.values_list("key", flat=True)) >= {"k1", "k2"}


@pytest.mark.django_db
def test_the_audit_migration_keeps_the_trail_append_only_both_ways():
    """Reversing and re-applying the audit migration's partitioning rebuilds the table, and each
    rebuild puts back the trigger that refuses UPDATE and DELETE (a rebuilt table has none of its own)."""
    operation = importlib.import_module("audit.migrations.0001_squashed").PARTITION_ENTRIES
    audit_record(action="core.token.issued", actor=Actor.system())

    for run, partitioned in ((operation.reverse_code, False), (operation.code, True)):
        with connection.schema_editor() as editor:
            run(None, editor)
        assert bool(_partitions_of("audit_auditentry")) is partitioned
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry")


@pytest.mark.django_db
def test_rebuilding_an_existing_table_keeps_every_row_index_and_key_both_ways():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE history_sample (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "at timestamptz NOT NULL, code varchar(10) NOT NULL CONSTRAINT history_sample_code_key UNIQUE, "
            "note text DEFAULT 'n' CHECK (note <> ''))"
        )
        cursor.execute("CREATE INDEX history_sample_note ON history_sample (note) WHERE note <> 'n'")
        cursor.execute(
            "INSERT INTO history_sample (at, code) VALUES "
            "('2024-03-05T10:00Z', 'a'), ('2024-05-01T00:00Z', 'b'), (now(), 'c')"
        )

    with connection.schema_editor() as editor:
        table_rebuild(editor, "history_sample", partition_column="at")

    assert "history_sample_y2024m03" in _partitions_of("history_sample")
    assert "history_sample_y2024m04" in _partitions_of("history_sample")
    assert _partition_holding("history_sample", "code = %s", ["b"]) == "history_sample_y2024m05"
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, note FROM history_sample ORDER BY id")
        assert cursor.fetchall() == [("a", "n"), ("b", "n"), ("c", "n")]
        cursor.execute("INSERT INTO history_sample (at, code) VALUES (now(), 'd') RETURNING id")
        assert cursor.fetchone()[0] == 4
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'history_sample' ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == [
            "history_sample_code_key",
            "history_sample_note",
            "history_sample_pkey",
        ]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO history_sample (at, code, note) VALUES (now(), 'e', '')")

    with connection.schema_editor() as editor:
        table_rebuild(editor, "history_sample", partition_column=None)
    assert _partitions_of("history_sample") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM history_sample")
        assert cursor.fetchone()[0] == 4
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'history_sample_code_key'"
        )
        assert cursor.fetchone()[0] == "UNIQUE (code)"


@pytest.mark.django_db
def test_a_month_whose_rows_sit_in_the_default_partition_is_left_for_maintenance(caplog):
    audit_record(
        action="core.token.issued", actor=Actor.system("tests"), now=datetime(2045, 6, 3, tzinfo=UTC)
    )
    created = partitions_ensure(connection, today=date(2045, 5, 20), months_ahead=1)
    assert "audit_auditentry_y2045m05" in created
    assert "audit_auditentry_y2045m06" not in created
    assert "consents_consentevent_y2045m06" in created
    assert "audit_auditentry_default holds rows" in caplog.text
