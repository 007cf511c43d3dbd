"""Hand-written schema steps for migrations: SQL that differs between PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.migrations import RunPython

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
