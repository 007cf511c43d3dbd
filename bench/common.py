"""What every benchmark shares: its own PostgreSQL database, Django set-up, COPY seeding, percentiles.

Each benchmark works in a database of its own, `<BENCH_DB_PREFIX>_<name>`, created here and migrated
to the current schema, never the platform's own database. The environment says where:

    BENCH_DATABASE_URL  a PostgreSQL server and a role that may create databases (default DATABASE_URL)
    BENCH_DB_PREFIX     the prefix of the benchmarks' database names (default qdl_bench)
    BENCH_REDIS_URL     broker and cache (default REDIS_URL, else redis://localhost:6379/5)
    BENCH_SMOKE=1       tiny data and short runs: `bench/run.py --smoke`, which also sets
    BENCH_TEMPLATE      a freshly migrated database each benchmark's database is copied from, and
    BENCH_NAME          the benchmark running: in smoke runs its copies are `<prefix>_<benchmark>_<name>`,
                        its own, since run.py runs benchmarks side by side (consent_check and
                        consent_import would otherwise drop each other's `consents` database)

Seeding writes rows with COPY from the model's own field list (`copy_rows`), so a column added to a
model later is filled from its default like any ORM insert would, and cannot break a benchmark.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
SMOKE = os.environ.get("BENCH_SMOKE") == "1"


def prefix(*, smoke: bool = SMOKE) -> str:
    """The benchmarks' database names start with this; smoke runs keep to databases of their own."""
    return os.environ.get("BENCH_DB_PREFIX", "qdl_bench") + ("_smoke" if smoke else "")


REDIS_URL = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://localhost:6379/5"


def sized(full: int, smoke: int, *, env: str | None = None) -> int:
    """The size a benchmark runs at: `env` when set, else tiny in smoke mode, else the full figure."""
    if env and os.environ.get(env):
        return int(os.environ[env])
    return smoke if SMOKE else full


def server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "The benchmarks run on PostgreSQL: set BENCH_DATABASE_URL (or DATABASE_URL) to a server and a "
            "role that may create databases, e.g. postgres://user:password@localhost:5432/postgres"
        )
    return url


def database_url(database: str) -> str:
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{database}"))


# Synthetic data only: fixed keys (unless the environment gives others) keep a database seeded by an
# earlier run readable by the next.
BENCH_KEYS = {
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "FIELD_ENCRYPTION_KEY": "5u17LSuY1Lxjt8ysZj_RGgvMlvaei3tSbaHeG3KZy5g=",
    "BLIND_INDEX_KEY": "bench-blind-index-key-0123456789abcdef",
    "AUDIT_MAC_KEY": "bench-audit-mac-key-0123456789abcdef0123",
    # A stand-in bank for Form 08: with DEMO off `manage.py migrate` stops without one (regulator.E001).
    "REGULATOR_ORG_NAME": "Ngân hàng Đo Hiệu Năng",
    "REGULATOR_ORG_REGISTRATION_NUMBER": "0100000002",
    "REGULATOR_ORG_ADDRESS": "1 Phố Đo, Hoàn Kiếm, Hà Nội",
    "REGULATOR_DPO_NAME": "Bộ phận Bảo vệ dữ liệu cá nhân",
    "REGULATOR_DPO_EMAIL": "dpo@bench.test",
    "REGULATOR_DPO_PHONE": "+84 24 0000 0002",
}


def database_name(name: str) -> str:
    """`<prefix>_<name>`; a copy of BENCH_TEMPLATE of the running benchmark's own in smoke runs."""
    owner = os.environ.get("BENCH_NAME") if os.environ.get("BENCH_TEMPLATE") else None
    return f"{prefix()}_{owner}_{name}" if owner else f"{prefix()}_{name}"


def bench_env(name: str, *, settings: str = "bench.settings", **extra: str) -> dict[str, str]:
    """The environment of a benchmark process working in database `name` (`database_name`)."""
    return {
        **BENCH_KEYS,
        **os.environ,
        "DATABASE_URL": database_url(database_name(name)),
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # A benchmark measures capacity from a handful of tokens: the per-token budget must not cap it.
        "API_THROTTLE_TOKEN": "10000000/min",
        **extra,
    }


def admin(statement, *params) -> list:
    """Run one statement on the server outside any transaction (CREATE and DROP DATABASE need that)."""
    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as connection:
        cursor = connection.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def database_drop(database: str) -> None:
    from psycopg import sql

    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


def database_create(database: str, *, template: str | None = None) -> bool:
    """Create `database` when missing (from `template` when given); True when it was created."""
    from psycopg import sql

    if admin("SELECT 1 FROM pg_database WHERE datname = %s", database):
        return False
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    admin(statement)
    return True


def migrate(env: Mapping[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def ensure_database(env: Mapping[str, str]) -> None:
    """The benchmark's database, at the current schema: a fresh copy of BENCH_TEMPLATE in smoke runs,
    else created when missing and migrated."""
    database = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    template = os.environ.get("BENCH_TEMPLATE")
    if template:
        database_drop(database)
        database_create(database, template=template)
        return
    database_create(database)
    migrate(env)


def setup_django(env: Mapping[str, str]) -> None:
    os.environ.update({key: value for key, value in env.items() if key != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"p50 {median:.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"


def tables_truncate(*tables: str) -> None:
    """Empty these tables, and every row that points at them (CASCADE), before a seed writes them anew."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def user_with_token(username: str, *, role: str, scopes: list[str]):
    """The benchmark's user `username` with `role` (made by the first run, found by later ones) and a
    fresh API token of theirs with `scopes`: (user, key)."""
    from django.contrib.auth import get_user_model

    from accounts.services import user_create
    from core.actors import Actor
    from integrations.services import token_issue

    actor = Actor.system("bench")
    user = get_user_model().objects.filter(username=username).first() or user_create(
        actor=actor, username=username, password=uuid.uuid4().hex, role=role
    )
    _token, key = token_issue(actor=actor, user=user, scopes=scopes)
    return user, key


def _filler(field, now):
    """What an ORM insert would store in a field the benchmark gives no value: a callable default
    is returned as is, to be called per row; NOT_PROVIDED leaves the column to its database default."""
    from django.db.models import NOT_PROVIDED

    if field.db_default is not NOT_PROVIDED:
        return NOT_PROVIDED
    if field.has_default():
        return field.default if callable(field.default) else field.get_default()
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now.date() if field.get_internal_type() == "DateField" else now
    if field.null:
        return None
    if field.empty_strings_allowed and field.blank:
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} has no default: give the benchmark a value")


def copy_rows(model, rows: Iterable[Mapping], *, constants: Mapping | None = None) -> int:
    """COPY `rows` into `model`'s table; returns how many.

    The columns are the model's concrete fields. Each row gives the values that vary (by field name
    or attname, the same keys in every row); `constants` gives values shared by every row, prepared
    once (an encrypted column then costs one encryption, not one per row); every other field gets what
    an ORM insert would store: its default, `now` for auto_now fields, NULL or "" when blank, and an
    auto-incremented key its sequence. Each value is prepared by its field (`get_db_prep_save`).
    """
    from django.db import connection
    from django.db.models import NOT_PROVIDED
    from django.db.models.fields import AutoFieldMixin
    from django.utils import timezone

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    now = timezone.now()
    constants = constants or {}
    columns, plan = [], []  # per column: (field, "row" | "fixed" | "call", row key | value | default)
    for field in model._meta.concrete_fields:
        in_row = next((key for key in (field.name, field.attname) if key in first), None)
        constant = next((key for key in (field.name, field.attname) if key in constants), None)
        if in_row is not None:
            plan.append((field, "row", in_row))
        elif constant is not None:
            plan.append((field, "fixed", field.get_db_prep_save(constants[constant], connection)))
        elif isinstance(field, AutoFieldMixin):
            continue
        else:
            filler = _filler(field, now)
            if filler is NOT_PROVIDED:
                continue
            if callable(filler):
                plan.append((field, "call", filler))
            else:
                plan.append((field, "fixed", field.get_db_prep_save(filler, connection)))
        columns.append(connection.ops.quote_name(field.column))
    count = 0
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in itertools.chain((first,), rows):
            copy.write_row([
                field.get_db_prep_save(row[how], connection) if kind == "row"
                else how if kind == "fixed"
                else field.get_db_prep_save(how(), connection)
                for field, kind, how in plan
            ])
            count += 1
    return count


def subjects_copy(refs: Iterable[str], **constants) -> list[uuid.UUID]:
    """Customers with these customer numbers (and one shared name and the given values), by COPY."""
    from subjects.models import DataSubject

    ids: list[uuid.UUID] = []

    def rows():
        for ref in refs:
            ids.append(uuid.uuid4())
            yield {"id": ids[-1], "external_ref": ref}

    copy_rows(DataSubject, rows(), constants={"full_name": "Khách Hàng Thử", **constants})
    return ids
