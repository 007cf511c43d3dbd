"""`core.schema.AddIndexOnline` on a partitioned table builds each partition's index under a name of
its own, as PostgreSQL names those of a partition created later (`<partition>_<columns>_idx`, then
`_idx1`, `_idx2`... past the names taken): an index on a column another index of the table already
covers (the outbox's `created_at`, of `outbox_content_kept`) gets an index of its own on every
partition instead of claiming the other's. Run again, it finds what it built and builds nothing twice.

PostgreSQL only: SQLite has no partitions, and there the step is a plain AddIndex."""

from __future__ import annotations

import pytest
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from core.partitions import partitions_of
from core.schema import AddIndexOnline
from integrations.models import OutboxMessage
from tests.runs import only_on

TABLE = OutboxMessage._meta.db_table
NAME = "test_outbox_created_online"

pytestmark = [
    only_on("postgresql", "partitioned tables and concurrent index builds are PostgreSQL's"),
    # CREATE INDEX CONCURRENTLY cannot run inside the test's transaction.
    pytest.mark.django_db(transaction=True),
]


def _run(operation: AddIndexOnline, *, forwards: bool) -> None:
    before = MigrationLoader(connection).project_state()
    after = before.clone()
    operation.state_forwards("integrations", after)
    with connection.schema_editor(atomic=False) as editor:
        if forwards:
            operation.database_forwards("integrations", editor, before, after)
        else:
            operation.database_backwards("integrations", editor, after, before)


def _attached(index: str) -> dict[str, str]:
    """The partitions' indexes attached to the partitioned index `index`, by partition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE i.inhparent = %s::regclass",
            [index],
        )
        return dict(cursor.fetchall())


def _valid(index: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [index])
        return cursor.fetchone()[0]


def test_a_partitions_index_is_named_by_its_columns_as_postgresql_names_it():
    """`endpoint` is the column `endpoint_id`: a partition created later names its index so."""
    with connection.cursor() as cursor:
        partitions = partitions_of(cursor, TABLE)
    assert sorted(_attached("outbox_endpoint_latest").values()) == sorted(
        f"{partition}_endpoint_id_created_at_id_idx" for partition in partitions
    )


@pytest.fixture
def online_index():
    operation = AddIndexOnline(
        model_name="outboxmessage", index=models.Index(fields=["created_at"], name=NAME)
    )
    yield operation
    _run(operation, forwards=False)


def test_an_index_on_a_column_another_one_covers_gets_its_own_on_every_partition(online_index):
    with connection.cursor() as cursor:
        partitions = partitions_of(cursor, TABLE)
    others = _attached("outbox_content_kept")
    assert sorted(others) == sorted(partitions)  # the partial index on `created_at` has one on each

    _run(online_index, forwards=True)

    ours = _attached(NAME)
    assert _valid(NAME)
    assert sorted(ours) == sorted(partitions)
    assert not set(ours.values()) & set(others.values())
    assert _attached("outbox_content_kept") == others
    assert all(name == f"{partition}_created_at_idx1" for partition, name in ours.items())


def test_run_again_it_keeps_what_it_built(online_index):
    _run(online_index, forwards=True)
    built = _attached(NAME)

    _run(online_index, forwards=True)

    assert _attached(NAME) == built
    assert _valid(NAME)
