"""The squashed migrations are the same history as the chain they replace.

A database built and filled by the old chain (tests/fixtures/migrations/, made at d3d8738) is
restored and migrated by today's code: nothing of the squash runs on it (only the migrations written
after it), every row stays as it was (in the columns it had: a column added since is new in every
row), and its schema (tables, columns, indexes, constraints, triggers, partitioning) is the schema
today's chain builds on an empty database. The fixture's engine is the one the suite runs on.

Some migrations written after the squash rewrite rows on purpose (`REWRITES`): their table may change,
but no row comes or goes, the rewritten values are those a new database is seeded with, and unapplied
they give back every row as it was. Others correct values the old code let in (`CORRECTIONS`): each
row reads as the correction makes it, and stays corrected when they are unapplied. The content types,
the permissions and the role groups' permissions are written from today's code after every migrate
(`SYNCED`): an old database must end with those of a new one.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.reliability.servers import require
from tests.runs import only_on

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "migrations"
OLD_CHAIN = "d3d8738"
SQUASHED = {
    (app, "0001_squashed")
    for app in (
        "accounts", "audit", "authorisations", "consents", "core", "deadlines", "dsr", "integrations",
        "notifications", "regulator", "subjects", "transparency",
    )
}


# The migrations after the squash that rewrite rows on purpose: each table they rewrite, with what of it
# an old database must then read as a new one does; and where each app goes back to, to unapply them.
REWRITES = {
    "core_deadlinepolicy": (
        "SELECT regime, request_type, effective_from, legal_reference, clock_start FROM core_deadlinepolicy"
    ),
}
BEFORE_REWRITES = [("deadlines", "0001_squashed"), ("regulator", "0001_squashed")]
# The columns a migration after the squash encrypts (dsr 0013: staff's words may name the customer's data;
# authorisations 0009: the customer's words on their authorisations' events and receipts, a third party's
# contacts): their stored text changes in every row, so the rows are compared without them, and each row
# must read, through today's field, the words it held in plain text.
ENCRYPTED_LATER = {
    "dsr_datasubjectrequest": ("dsr", "DataSubjectRequest", ("overdue_reason",)),
    "dsr_fulfilmenttask": ("dsr", "FulfilmentTask", ("note",)),
    "authorisations_authorisationevent": (
        "authorisations", "AuthorisationEvent", ("evidence", "reason", "receipt"),
    ),
    "authorisations_thirdparty": ("authorisations", "ThirdParty", ("contact_email", "contact_phone")),
}
# The migrations after the squash that correct values the old code let in (subjects 0003: customer
# numbers in upper case): each table they correct, with a query that reads, before the migration, what
# the second reads after it. No row comes or goes, and going back leaves them corrected.
CORRECTIONS = {
    "core_datasubject": (
        "SELECT id, upper(external_ref) FROM core_datasubject",
        "SELECT id, external_ref FROM core_datasubject",
    ),
    "subjects_nationalidshare": (
        "SELECT id, subject_id, upper(external_ref), reason, linked_by_label, linked_at"
        " FROM subjects_nationalidshare",
        "SELECT id, subject_id, external_ref, reason, linked_by_label, linked_at"
        " FROM subjects_nationalidshare",
    ),
}
# Tables post_migrate writes from today's code whatever the migrations (the models' permissions, Django's
# create_permissions; the role groups', core.roles.roles_sync), with what of them an old database must
# then read as a new one does.
SYNCED = {
    "django_content_type": "SELECT app_label, model FROM django_content_type",
    "auth_permission": (
        "SELECT ct.app_label, p.codename, p.name FROM auth_permission p"
        " JOIN django_content_type ct ON ct.id = p.content_type_id"
    ),
    "auth_group_permissions": (
        "SELECT g.name, ct.app_label, p.codename FROM auth_group_permissions gp"
        " JOIN auth_group g ON g.id = gp.group_id JOIN auth_permission p ON p.id = gp.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id"
    ),
}


def _suite_defaults() -> dict[str, str]:
    """The environment defaults of the test suite (pyproject.toml), keys included: the fixtures were
    written with them (scripts/migration-fixtures), and the runner's own keys may differ."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        entries = tomllib.load(file)["tool"]["pytest"]["ini_options"]["env"]
    return dict(entry.removeprefix("D:").split("=", 1) for entry in entries)


def _run_manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **_suite_defaults(), "DATABASE_URL": database_url, "REDIS_URL": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _manage(database_url: str, *args: str) -> str:
    done = _run_manage(database_url, *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


# --- SQLite -----------------------------------------------------------------------------------

def _sqlite_checks(table_sql: str) -> list[str]:
    """Every CHECK clause of a CREATE TABLE statement, whatever the order of its columns."""
    checks = []
    for match in re.finditer(r"CHECK \(", table_sql):
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, len(table_sql)):
            depth += {"(": 1, ")": -1}.get(table_sql[end], 0)
            if depth == 0:
                break
        checks.append(table_sql[match.start() : end + 1])
    return sorted(checks)


def _sqlite_index(db: sqlite3.Connection, name: str, unique: int, origin: str, partial: int) -> tuple:
    columns = tuple(
        (row[2], row[3], row[4]) for row in db.execute(f'PRAGMA index_xinfo("{name}")') if row[5]
    )
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [name]).fetchone()
    where = sql[0].split(" WHERE ", 1)[1] if sql and sql[0] and partial else ""
    # SQLite numbers the indexes of UNIQUE clauses in column order: only their columns identify them.
    label = "" if name.startswith("sqlite_autoindex_") else name
    return (label, unique, origin, columns, where)


def sqlite_schema(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        schema = {}
        for table, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ):
            schema[f"table {table}"] = {
                "columns": sorted(tuple(row[1:]) for row in db.execute(f'PRAGMA table_info("{table}")')),
                "foreign keys": sorted(
                    tuple(row[2:]) for row in db.execute(f'PRAGMA foreign_key_list("{table}")')
                ),
                "indexes": sorted(
                    _sqlite_index(db, *row[1:5])
                    for row in db.execute(f'PRAGMA index_list("{table}")')
                ),
                "checks": _sqlite_checks(sql),
            }
        triggers = db.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        for name, table, sql in triggers:
            schema[f"trigger {name}"] = (table, " ".join(sql.split()))
        return schema
    finally:
        db.close()


def sqlite_rows(path: Path, only: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    db = sqlite3.connect(path)
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        digests = {
            table: _digest(db.execute(f'SELECT {_select_list(only, table, "*")} FROM "{table}"').fetchall())  # noqa: S608
            for table in tables
        }
        # The counters of AUTOINCREMENT keys, less those that recording a migration and the role sync move,
        # and those at 0: a table a later migration remakes while still empty (dsr 0040 adding a column)
        # leaves a counter of 0, which hands out the same keys as none.
        digests["sqlite_sequence"] = _digest([
            row for row in db.execute("SELECT * FROM sqlite_sequence").fetchall()
            if row[0] not in ("django_migrations", *SYNCED) and row[1]
        ])
        return digests
    finally:
        db.close()


def _select_list(only: dict[str, list[str]], table: str, every: str) -> str:
    """The columns of `table` a row digest reads: those it had before the migrations written after the
    squash (a column they add is new in every row, and compared through the schema), else `every`."""
    return ", ".join(f'"{column}"' for column in only[table]) if table in only else every


def _columns(schema: dict) -> dict[str, list[str]]:
    """Each table's column names, from a schema of `sqlite_schema` or `pg_schema`."""
    return {key.removeprefix("table "): [column[0] for column in shape["columns"]]
            for key, shape in schema.items() if key.startswith("table ")}


def _digest(rows: list[tuple]) -> tuple[int, str]:
    lines = sorted(repr(row) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _sqlite_fixture(path: Path) -> Path:
    with gzip.open(FIXTURES / f"{OLD_CHAIN}.sqlite3.gz") as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    return path


sqlite_run_only = only_on("sqlite", "the fixture is an SQLite file")


@sqlite_run_only
def test_a_sqlite_database_of_the_old_chain_is_the_squashed_schema_with_every_row(tmp_path):
    restored = _sqlite_fixture(tmp_path / "old-chain.sqlite3")
    fresh = tmp_path / "squashed.sqlite3"

    _assert_same_history(
        f"sqlite:///{restored}", f"sqlite:///{fresh}",
        schema=lambda url: sqlite_schema(Path(url.removeprefix("sqlite:///"))),
        rows=lambda url, only: sqlite_rows(Path(url.removeprefix("sqlite:///")), only),
    )


@sqlite_run_only
def test_a_database_older_than_the_squash_is_refused_not_silently_left_behind(tmp_path):
    """Django leaves a partly applied squash out of the plan: without the check, `migrate` would
    report success on a database that never ran the rest of the squashed migrations."""
    older = _sqlite_fixture(tmp_path / "older.sqlite3")
    db = sqlite3.connect(older)
    with db:
        db.execute("DELETE FROM django_migrations WHERE app = 'transparency' AND name = '0002_default_texts'")
    db.close()

    done = _run_manage(f"sqlite:///{older}", "migrate", "--noinput")

    assert done.returncode != 0
    assert "core.E201" in done.stderr
    assert "1 of the 2 migrations that transparency.0001_squashed replaces" in done.stderr


# --- PostgreSQL -------------------------------------------------------------------------------

PG_TABLES = """
SELECT c.relname, c.relkind = 'p', pg_get_partkeydef(c.oid),
       EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class d ON d.oid = i.inhrelid
               WHERE i.inhparent = c.oid AND pg_get_expr(d.relpartbound, d.oid) = 'DEFAULT')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
"""  # partitions are read through their parent
PG_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
"""
PG_CONSTRAINTS = """
SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass
"""
PG_INDEXES = """
SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = %s::regclass
"""
PG_TRIGGERS = """
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal
"""
PG_FUNCTIONS = """
SELECT p.proname, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public'
"""


# pg_restore re-parses each expression, and PostgreSQL then prints a list of choices another way:
# `ANY ((ARRAY['a'::character varying])::text[])` comes back as
# `ANY (ARRAY[('a'::character varying)::text])`. Both are written as `ANY (ARRAY['a'::character varying])`.
PG_CAST_EACH = re.compile(r"\(('(?:[^']|'')*'::character varying)\)::text")
PG_CAST_ALL = re.compile(r"\(\(ARRAY\[([^\]]*)\]\)::text\[\]\)")


def _pg_expression(definition: str) -> str:
    return PG_CAST_ALL.sub(r"(ARRAY[\1])", PG_CAST_EACH.sub(r"\1", definition))


def _pg_definitions(rows: list[tuple]) -> list[tuple]:
    return sorted(tuple(_pg_expression(v) if isinstance(v, str) else v for v in row) for row in rows)


def pg_schema(url: str) -> dict:
    with psycopg.connect(url) as db, db.cursor() as cursor:
        schema = {}
        for table, partitioned, partition_key, has_default in cursor.execute(PG_TABLES).fetchall():
            name = f'"{table}"'
            schema[f"table {table}"] = {
                "partitioned by": (partitioned, partition_key, has_default),
                "columns": sorted(cursor.execute(PG_COLUMNS, [name]).fetchall()),
                "constraints": _pg_definitions(cursor.execute(PG_CONSTRAINTS, [name]).fetchall()),
                "indexes": _pg_definitions(cursor.execute(PG_INDEXES, [name]).fetchall()),
                "triggers": sorted(cursor.execute(PG_TRIGGERS, [name]).fetchall()),
            }
        for function, source in cursor.execute(PG_FUNCTIONS).fetchall():
            schema[f"function {function}"] = source
        return schema


def pg_rows(url: str, only: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    with psycopg.connect(url) as db, db.cursor() as cursor:
        tables = [row[0] for row in cursor.execute(PG_TABLES).fetchall()]
        digests = {}
        for table in tables:
            # A partitioned table is read whole, through its parent.
            columns = f"ROW({_select_list(only, table, '')})::text" if table in only else "t::text"
            cursor.execute(f'SELECT {columns} FROM "{table}" t')  # noqa: S608 - names from the catalog
            digests[table] = _digest([row[0] for row in cursor.fetchall()])
        return digests


@pytest.fixture
def pg_databases():
    """Two empty databases on the suite's server, dropped afterwards."""
    require("pg_restore")
    server = settings.DATABASES["default"]
    credentials = f"{server['USER']}:{server['PASSWORD']}"
    base = f"postgres://{credentials}@{server['HOST'] or 'localhost'}:{server['PORT'] or 5432}"
    names = [f"qdl_squash_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("old", "new")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@only_on("postgresql", "the fixture is a pg_dump")
def test_a_postgresql_database_of_the_old_chain_is_the_squashed_schema_with_every_row(pg_databases):
    restored, fresh = pg_databases
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", restored,
         str(FIXTURES / f"{OLD_CHAIN}.pgdump")],
        check=True, capture_output=True, timeout=300,
    )

    _assert_same_history(restored, fresh, schema=pg_schema, rows=pg_rows)


# --- both -------------------------------------------------------------------------------------

def _differences(found: dict, expected: dict) -> dict:
    """Each object whose definition differs, as (found, expected); None where it is missing."""
    return {
        key: (found.get(key), expected.get(key))
        for key in found.keys() | expected.keys()
        if found.get(key) != expected.get(key)
    }


def _plain_words(url: str) -> dict[str, list[list[str]]]:
    words = {}
    for table, (_app, _model, columns) in ENCRYPTED_LATER.items():
        selected = ", ".join(f'"{column}"' for column in columns)
        rows = _query(url, f'SELECT id, {selected} FROM "{table}"')  # noqa: S608 - the names above
        words[table] = sorted([uuid.UUID(str(pk)).hex, *values] for pk, *values in rows)
    return words


def _words_read_through_fields(url: str) -> dict[str, list[list[str]]]:
    read = ";".join(
        f"print('ROWS', json.dumps(['{table}', [(p.hex, *w) for p, *w in apps.get_model('{app}', '{model}')"
        f".objects.values_list('pk', *{list(columns)!r})]]))"
        for table, (app, model, columns) in ENCRYPTED_LATER.items()
    )
    printed = _manage(url, "shell", "-c", f"import json; from django.apps import apps; {read}")
    lines = [line.removeprefix("ROWS ") for line in printed.splitlines() if line.startswith("ROWS ")]
    return {table: sorted(rows) for table, rows in map(json.loads, lines)}


def _assert_same_history(restored: str, fresh: str, *, schema, rows) -> None:
    columns_before = _columns(schema(restored))
    for table, (_app, _model, columns) in ENCRYPTED_LATER.items():
        columns_before[table] = [c for c in columns_before[table] if c not in columns]
    plain = _plain_words(restored)

    def migrated_rows(url: str) -> dict[str, tuple[int, str]]:
        return {table: digest for table, digest in rows(url, columns_before).items() if table not in SYNCED}

    rows_before = migrated_rows(restored)
    corrected = {table: sorted(_query(restored, before)) for table, (before, _after) in CORRECTIONS.items()}
    # Recognised as the squash: nothing of it runs, only the migrations written after it.
    later = _planned(_manage(restored, "migrate", "--plan"))
    assert not {name for _app, name in later} & {name for _app, name in SQUASHED}

    _manage(restored, "migrate", "--noinput")

    assert _words_read_through_fields(restored) == plain
    rows_after = migrated_rows(restored)
    # A table a migration after the squash creates (dsr 0023's lifts) starts empty; its schema is compared
    # with a new database's below.
    created = set(rows_after) - set(rows_before)
    assert {table: rows_after.pop(table)[0] for table in created} == dict.fromkeys(created, 0)
    recorded_before = rows_before.pop("django_migrations")
    recorded_after = rows_after.pop("django_migrations")
    rewritten = _differences(rows_after, rows_before)
    assert set(rewritten) <= set(REWRITES) | set(CORRECTIONS)
    for table, (_before, after) in CORRECTIONS.items():
        assert sorted(_query(restored, after)) == corrected[table], table
    # (count, digest) pairs: a rewrite changes values, never how many rows there are.
    assert all(found[0] == expected[0] for found, expected in rewritten.values())
    applied = set(_recorded(restored))
    assert SQUASHED | set(later) <= applied
    assert recorded_after[0] == recorded_before[0] + len(SQUASHED) + len(later)

    _manage(fresh, "migrate", "--noinput")
    # Month partitions are not compared: the calendar makes them (partitions_ensure), not a migration.
    assert _differences(schema(fresh), schema(restored)) == {}
    for query in (*REWRITES.values(), *SYNCED.values()):
        assert sorted(_query(restored, query)) == sorted(_query(fresh, query))

    for app, migration in BEFORE_REWRITES:
        _manage(restored, "migrate", "--noinput", app, migration)
    rows_unapplied = {
        table: digest for table, digest in migrated_rows(restored).items() if table not in created
    }
    rows_unapplied.pop("django_migrations")
    assert set(_differences(rows_unapplied, rows_before)) <= set(CORRECTIONS)
    for table, (_before, after) in CORRECTIONS.items():
        assert sorted(_query(restored, after)) == corrected[table], table


def _planned(plan: str) -> list[tuple[str, str]]:
    """The (app, migration) pairs `migrate --plan` lists (its operations are the indented lines)."""
    return [
        tuple(line.split(".", 1))
        for line in plan.splitlines()
        if line and not line.startswith((" ", "Planned operations:", "No planned"))
    ]


def _recorded(url: str) -> list[tuple[str, str]]:
    return _query(url, "SELECT app, name FROM django_migrations")


def _query(url: str, query: str) -> list[tuple]:
    """The rows a query finds in the database at `url` (SQLite file or PostgreSQL)."""
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return db.execute(query).fetchall()
        finally:
            db.close()
    with psycopg.connect(url) as db:
        return db.execute(query).fetchall()
