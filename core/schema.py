"""Hand-written schema steps for migrations: SQL that differs between PostgreSQL and SQLite, and an
index added to a large table without locking its writes."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from django.db import NotSupportedError
from django.db.migrations import AddIndex, RunPython
from django.db.migrations.operations.base import Operation
from django.db.models import CheckConstraint

from core.partitions import is_partitioned, partitions_of

Statements = Mapping[str, Sequence[str]]


def sql_by_vendor(forward: Statements, backward: Statements) -> RunPython:
    """A migration step running `forward[vendor]` (and, reversed, `backward[vendor]`): the statements
    of the database's vendor ("postgresql", "sqlite"), none on another."""

    def run(statements: Statements):
        def run_statements(apps, schema_editor) -> None:
            for statement in statements.get(schema_editor.connection.vendor, ()):
                schema_editor.execute(statement, params=None)

        return run_statements

    return RunPython(run(forward), run(backward))


class AddIndexOnline(AddIndex):
    """`AddIndex` that lets writes go on while a large table is indexed.

    On PostgreSQL the index is built with CREATE INDEX CONCURRENTLY, which PostgreSQL refuses on a
    partitioned table (the history tables, `core.partitions`): there the index is declared on the
    parent alone (`ON ONLY`, invalid for now), built concurrently on each partition and attached to
    it; once every partition's is attached the parent's is valid, and the partitions created later
    get theirs with the table. Run again after a failure, it rebuilds a partition's index that a
    failed concurrent build left invalid and keeps the ones already built. Elsewhere (SQLite) it is
    a plain `AddIndex`. The migration holding it must say `atomic = False`: a concurrent build cannot
    run in a transaction.
    """

    atomic = False

    def describe(self) -> str:
        return f"Create index {self.index.name} on {self.model_name} without locking writes (PostgreSQL)"

    def _online(self, schema_editor, model) -> bool:
        """Whether the step is PostgreSQL's online build (refused inside a transaction) rather than a
        plain AddIndex's."""
        if schema_editor.connection.vendor != "postgresql" or not self.allow_migrate_model(
            schema_editor.connection.alias, model
        ):
            return False
        if schema_editor.connection.in_atomic_block:
            raise NotSupportedError(
                f"{self.__class__.__name__} cannot run inside a transaction "
                "(set atomic = False on the migration)."
            )
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self._online(schema_editor, model):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            partitions = partitions_of(cursor, table) if is_partitioned(cursor, table) else None
            if partitions is None:
                if not _index_valid(cursor, self.index.name):
                    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_quoted(self.index.name)}")
                    schema_editor.add_index(model, self.index, concurrently=True)
                return
            parent = self.index.create_sql(model, schema_editor)
            parent.parts["table"] = f"ONLY {_quoted(table)}"
            if _index_valid(cursor, self.index.name) is None:
                schema_editor.execute(parent)
            for partition in partitions:
                name, valid = _partition_index(cursor, model, self.index, partition)
                if not valid:
                    if valid is False:
                        schema_editor.execute(f"DROP INDEX CONCURRENTLY {_quoted(name)}")
                    child = self.index.create_sql(model, schema_editor, concurrently=True)
                    child.parts.update(table=_quoted(partition), name=_quoted(name))
                    schema_editor.execute(child)
                schema_editor.execute(
                    f"ALTER INDEX {_quoted(self.index.name)} ATTACH PARTITION {_quoted(name)}"
                )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self._online(schema_editor, model):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        with schema_editor.connection.cursor() as cursor:
            partitioned = is_partitioned(cursor, model._meta.db_table)
        # A partitioned index cannot be dropped concurrently; dropping it drops its partitions' too.
        concurrently = "" if partitioned else " CONCURRENTLY"
        schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {_quoted(self.index.name)}")


class ReplaceCheckOnline(Operation):
    """Replace the check constraint `old_name` of a large table with `constraint`, a wider one (every row
    the old one allowed, the new one allows), without locking the table's writes while rows are checked.

    On PostgreSQL the old constraint is dropped and the new one added NOT VALID in one statement (a
    brief lock, no scan: new rows are checked at once), then validated, which reads every row under a
    lock that lets writes go on. Run again after a failure between the two, it validates the
    constraint already added. Elsewhere (SQLite) it is a plain RemoveConstraint and AddConstraint. The
    migration holding it says `atomic = False`, so the validation commits apart from the swap."""

    reversible = True

    def __init__(self, model_name: str, old_name: str, constraint: CheckConstraint) -> None:
        self.model_name, self.old_name, self.constraint = model_name, old_name, constraint

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "old_name": self.old_name, "constraint": self.constraint}
        return self.__class__.__name__, [], kwargs

    def describe(self) -> str:
        return f"Replace check {self.old_name} on {self.model_name} by {self.constraint.name} online"

    def state_forwards(self, app_label, state) -> None:
        state.remove_constraint(app_label, self.model_name.lower(), self.old_name)
        state.add_constraint(app_label, self.model_name.lower(), self.constraint)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        old_model = from_state.apps.get_model(app_label, self.model_name)
        new_model = to_state.apps.get_model(app_label, self.model_name)
        old = from_state.models[app_label, self.model_name.lower()].get_constraint_by_name(self.old_name)
        self._swap(schema_editor, old_model, new_model, old=old, new=self.constraint)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        new_model = from_state.apps.get_model(app_label, self.model_name)
        old_model = to_state.apps.get_model(app_label, self.model_name)
        old = to_state.models[app_label, self.model_name.lower()].get_constraint_by_name(self.old_name)
        self._swap(schema_editor, new_model, old_model, old=self.constraint, new=old)

    def _swap(self, schema_editor, from_model, to_model, *, old, new) -> None:
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_constraint(from_model, old)
            schema_editor.add_constraint(to_model, new)
            return
        table = _quoted(to_model._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [new.name])
            added = cursor.fetchone() is not None
        if not added:
            schema_editor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_quoted(old.name)}, "
                f"ADD {new.constraint_sql(to_model, schema_editor)} NOT VALID",
                params=None,
            )
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {_quoted(new.name)}", params=None)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _index_valid(cursor, name: str) -> bool | None:
    """Whether the index `name` is valid; None when there is no such index."""
    cursor.execute(
        "SELECT x.indisvalid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
        "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
        [name],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _partition_index(cursor, model, index, partition: str) -> tuple[str, bool | None]:
    """The name of `partition`'s share of the partitioned `index`, and whether that share is built:
    True when valid, False when a failed concurrent build left it invalid, None when there is none yet.

    Named as PostgreSQL names the indexes of a partition created later: `<partition>_<columns>_idx`,
    then `_idx1`, `_idx2`... past the names other relations hold. A name is this index's when its index
    is attached to `index` (a run before this one built it), or to none and is defined alike (a run
    that failed before attaching it). The partition's index on the same columns for another
    partitioned index (the outbox's `created_at`, of `outbox_content_kept`) keeps its name and its place.
    """
    columns = "_".join(model._meta.get_field(field.lstrip("-")).column for field in index.fields) or "expr"
    stem = f"{partition}_{columns}"
    for number in itertools.count():
        suffix = f"_idx{number or ''}"
        name = stem[: 63 - len(suffix)] + suffix
        cursor.execute(
            "SELECT x.indisvalid, i.inhparent = p.oid, i.inhparent IS NULL "
            "AND split_part(pg_get_indexdef(c.oid), ' USING ', 2) "
            "= split_part(pg_get_indexdef(p.oid), ' USING ', 2) "
            "FROM pg_class c JOIN pg_class p ON p.relname = %s AND p.relnamespace = c.relnamespace "
            "LEFT JOIN pg_index x ON x.indexrelid = c.oid LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [index.name, name],
        )
        found = cursor.fetchone()
        if found is None:
            return name, None
        valid, attached_here, left_unattached = found
        if attached_here or left_unattached:
            return name, valid
    raise AssertionError("itertools.count() never ends")  # pragma: no cover
