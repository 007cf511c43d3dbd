"""Monthly range partitions for the append-only history tables, on PostgreSQL.

Consent events, audit entries, outbox messages and third-party access records grow by millions of
rows a month and are read by time. Range partitions by month keep each index small and let an
operator archive a month past retention by detaching one table instead of deleting rows
(docs/deployment.md, "Partitions"). SQLite keeps plain tables: every function here does nothing
there.

PostgreSQL requires a partitioned table's primary key and unique constraints to include the
partition column, so `id` becomes (`id`, <column>) and each unique column gains the column too.
Where global uniqueness matters it is kept elsewhere: the audit chain head assigns sequence numbers
under a lock and verification walks them, and outbox de-duplication has its own table.

A DEFAULT partition takes rows outside every monthly range (a consent given years ago and imported
today), so an insert never fails for want of a partition. `partitions_ensure` (beat, daily) creates
the months ahead before any row can reach them.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

from django.db.migrations import RunPython

logger = logging.getLogger(__name__)

MONTHS_AHEAD = 3


def month_start(day: date, months_later: int = 0) -> date:
    """The first day of `day`'s month, or of the month `months_later` on."""
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(day: date) -> tuple[datetime, datetime]:
    """`day`'s month as its partition holds it: from its first midnight to the next month's (UTC, the
    database sessions' time zone, in which the partitions' date bounds are read)."""
    first = month_start(day)
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(month_start(first, 1), time.min, tzinfo=UTC),
    )


def _partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year}m{month.month:02d}"


def _create_month(cursor, table: str, month: date) -> bool:
    """Create one month's partition unless it exists; True when it was created."""
    name = _partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    bounds = [month.isoformat(), month_start(month, 1).isoformat()]
    cursor.execute("SELECT pg_get_partkeydef(%s::regclass)", [table])
    column = cursor.fetchone()[0].split("(", 1)[1].rstrip(")").strip('"')
    cursor.execute(
        f'SELECT EXISTS (SELECT 1 FROM "{table}_default" WHERE "{column}" >= %s AND "{column}" < %s)',  # noqa: S608
        bounds,
    )
    if cursor.fetchone()[0]:
        # Creating the month would have to move rows out of the default partition, which for the
        # append-only audit trail is a maintenance step, not a nightly job (docs/deployment.md).
        logger.error("partition %s not created: %s_default holds rows of that month", name, table)
        return False
    cursor.execute(
        f'CREATE TABLE "{name}" PARTITION OF "{table}" '  # noqa: S608 - names come from the catalog
        f"FOR VALUES FROM ('{bounds[0]}') TO ('{bounds[1]}')"
    )
    return True


def partitioned_tables(cursor) -> list[str]:
    """The partitioned tables of this database, read from the catalog (nothing to register)."""
    cursor.execute(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def partitions_ensure(connection, *, today: date, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create this month's and the next `months_ahead` months' partitions of every partitioned table.

    Idempotent: a second run creates nothing. Returns the names of the partitions it created.
    """
    if connection.vendor != "postgresql":
        return []
    created = []
    with connection.cursor() as cursor:
        for table in partitioned_tables(cursor):
            for offset in range(months_ahead + 1):
                month = month_start(today, offset)
                if _create_month(cursor, table, month):
                    created.append(_partition_name(table, month))
    return created


def _constraints(cursor, table: str, kinds: str) -> list[tuple[str, str, str]]:
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY conname",
        [table, list(kinds)],
    )
    return cursor.fetchall()


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """Plain (non-constraint) indexes as (name, definition)."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1",
        [table],
    )
    return cursor.fetchall()


def table_rebuild(schema_editor, table: str, *, partition_column: str | None, pk: str = "id") -> None:
    """Rebuild `table` as a monthly range-partitioned table on `partition_column` (or, with None, as
    a plain table again), keeping every row, column, default, index, foreign key and check.

    For migrations only: it takes an exclusive lock and copies the table, which on a large existing
    history belongs in a maintenance window (docs/deployment.md). Triggers are the caller's to
    re-create. No-op outside PostgreSQL.
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    old = f"{table}__before_rebuild"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        cursor.execute(
            "SELECT a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
            "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partrelid = %s::regclass",
            [old],
        )
        row = cursor.fetchone()
        previous_partition_column = row[0] if row else None
        uniques = _constraints(cursor, old, "u")
        foreign_keys = _constraints(cursor, old, "f")
        indexes = _indexes(cursor, old)
        partition_clause = f' PARTITION BY RANGE ("{partition_column}")' if partition_column else ""
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY '
            f"INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE){partition_clause}"
        )
        key_columns = [pk, partition_column] if partition_column else [pk]
        if partition_column:
            cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
            cursor.execute(f'SELECT min("{partition_column}")::date FROM "{old}"')  # noqa: S608
            first = cursor.fetchone()[0]
            today = date.today()  # noqa: DTZ011 - partition bounds are calendar months, not instants
            month = month_start(min(first, today) if first else today)
            while month <= month_start(today, MONTHS_AHEAD):
                _create_month(cursor, table, month)
                month = month_start(month, 1)
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # noqa: S608
        cursor.execute(f'DROP TABLE "{old}"')
        cursor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pkey" PRIMARY KEY ({_columns(key_columns)})'
        )
        for name, _kind, definition in uniques:
            columns = [
                c.strip().strip('"')
                for c in definition[definition.index("(") + 1 : definition.rindex(")")].split(",")
            ]
            columns = [c for c in columns if c not in (partition_column, previous_partition_column)]
            if partition_column:
                columns.append(partition_column)
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE ({_columns(columns)})')
        for name, _kind, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            on_old = definition[definition.index(" ON ") : definition.index(" USING ")]
            cursor.execute(definition.replace(on_old, f' ON "{table}"', 1))
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(
                f'SELECT setval(%s, COALESCE((SELECT max("{pk}") FROM "{table}"), 0) + 1, false)',  # noqa: S608
                [sequence],
            )


def partition_by_month(table: str, column: str, *, then_sql: str | None = None) -> RunPython:
    """The migration operation that makes `table` monthly range-partitioned on `column` (and plain
    again when reversed), running `then_sql` after each rebuild: a rebuilt table has no triggers."""

    def rebuild(partition_column: str | None):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor != "postgresql":
                return
            table_rebuild(schema_editor, table, partition_column=partition_column)
            if then_sql:
                schema_editor.execute(then_sql, params=None)

        return run

    return RunPython(rebuild(column), rebuild(None))


def _columns(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def partitions_of(cursor, table: str) -> list[str]:
    """The partitions of `table` (none when it is a plain table), by name."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass ORDER BY 1",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])
    return cursor.fetchone()[0] == "p"
