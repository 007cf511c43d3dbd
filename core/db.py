"""Database helpers: a cursor for the few queries on the hot path, planned once per database
connection (`prepared_cursor`, below), and the date-times they read made aware (`raw_moment`);
`bulk_insert` for thousands of new rows at once;
`encrypted_update` and `encrypted_bulk_update` for an encrypted column rewritten on many rows at once;
a report's large grouped queries without JIT compilation (`reads_without_jit`); the unit of work of
an API call; a row locked by its id (`locked_or_not_found`), rows locked for sharing
(`share_locked_values`), a value no row can lock (`value_locked`); lock waits; the first rows of
several queues in one statement (`first_of`); many ids as one parameter (`any_of`).

PostgreSQL spends longer planning the consent check's query (about 0.4 ms) than running it (about
0.1 ms), and the check runs before every marketing send and card transaction. Django binds
parameters on the client, so nothing it sends can be prepared. This cursor binds them on the
server, and psycopg prepares each statement the first time a connection runs it (the connection
lives for CONN_MAX_AGE, so the plan is reused thousands of times). Everything else stays on
Django's ordinary cursors: a prepared statement per ORM query shape would only fill memory.

Errors are still Django's (`OperationalError` becomes the usual 503). It is the ordinary cursor on
SQLite, with DB_PREPARED_STATEMENTS off, and while Django logs queries (DEBUG, or a test capturing
them): Django cannot show the text of a prepared statement in its log.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar, overload

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, router, transaction
from django.db.models.fields import AutoFieldMixin
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import Conflict, NotFound

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


def _can_prepare(database) -> bool:
    options = database.settings_dict["OPTIONS"]
    return (
        database.vendor == "postgresql"
        and options.get("prepare_threshold") is not None
        and not database.queries_logged
    )


@contextmanager
def prepared_cursor() -> Iterator:
    # The connection looked up once: each attribute read through Django's `connection` proxy finds
    # this thread's connection again, eight times per call here.
    database = connections[DEFAULT_DB_ALIAS]
    if not _can_prepare(database):
        with database.cursor() as cursor:
            yield cursor
        return
    import psycopg  # the PostgreSQL driver; SQLite installs never reach this line

    # The same steps Django's own cursor() takes, with a server-binding cursor in place of its
    # client-binding one.
    database.close_if_health_check_failed()
    database.ensure_connection()
    with database.wrap_database_errors:
        server_binding = psycopg.Cursor(database.connection)
    with database.make_cursor(server_binding) as cursor:
        yield cursor


def raw_moment(value) -> datetime | None:
    """A date-time read by raw SQL (`prepared_cursor`), aware: raw SQL skips Django's converters, and
    SQLite hands back naive UTC date-times (or text); PostgreSQL's are aware already."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return parsed if parsed is None or timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


@overload
def durable_entry_point(in_transaction: Callable[P, R]) -> Callable[P, R]: ...
@overload
def durable_entry_point(in_transaction: Callable[P, R], *, then: Callable[[R], T]) -> Callable[P, T]: ...
def durable_entry_point(
    in_transaction: Callable[P, R], *, then: Callable[[R], Any] | None = None
) -> Callable[P, Any]:
    """The durable entry point of a service written to join its caller's transaction: the same
    arguments (and signature), in a transaction of its own
    (`durable_entry_point(restrictions_apply_in_transaction)`); `then` is given the result once
    committed, and answers in its place (it may refuse what was committed, a finding kept, as a wrong
    identity code counted before the refusal: `dsr.services.identity.request_verify_identity`)."""

    @functools.wraps(in_transaction)
    def entry_point(*args: P.args, **kwargs: P.kwargs) -> Any:
        with transaction.atomic(durable=True):
            result = in_transaction(*args, **kwargs)
        return result if then is None else then(result)

    return entry_point


def locked_or_not_found(model: type[M], pk: Any, message: Any = None) -> M:
    """The row of `model` with primary key `pk`, locked for the caller's transaction
    (`select_for_update`); `NotFound` (404, with `message`, else "Not found.") when there is none."""
    row = model._default_manager.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


def share_locked_values(queryset: models.QuerySet) -> list[tuple]:
    """What `queryset` (a `values_list`, not flat) reads, its rows locked FOR SHARE for the caller's
    transaction: an UPDATE of them waits until that transaction ends, and a read that waited for one
    sees what it committed, while other readers taking the same lock go on side by side (Django's
    `select_for_update` takes only the exclusive modes). Where rows are not locked (SQLite, one writer at
    a time), a plain read."""
    alias = router.db_for_write(queryset.model)
    database = connections[alias]
    if not database.features.has_select_for_update:
        return list(queryset.using(alias))
    sql, params = queryset.query.get_compiler(using=alias).as_sql()
    with database.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE", params)
        return cursor.fetchall()


def value_locked(model: type[models.Model], value: str) -> None:
    """Lock `value` of `model` for the caller's transaction, where a unique constraint cannot guard it
    and no row stands for it yet: a second caller waits here until the first commits, so its check
    reads what the first wrote (under READ COMMITTED both would otherwise check before either writes).
    A transaction-level advisory lock on PostgreSQL; nothing on SQLite, which has one writer at a time."""
    alias = router.db_for_write(model)
    database = connections[alias]
    if database.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"{model._meta.label_lower}:{value}".encode(), digest_size=8).digest()
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


@contextmanager
def conflict_on_duplicate(conflict: Conflict) -> Iterator[None]:
    """Run an insert in a savepoint and answer a unique violation with `conflict` (409).

    The unique index is the last word when two callers insert the same key at the same instant; the
    savepoint keeps the caller's transaction usable for the error's answer."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise conflict from None


class UnitOfWork(transaction.Atomic):
    """One transaction around a whole API call, which entry-point services join.

    Services open `transaction.atomic(durable=True)` so that nothing wraps them by accident; this
    block is the one deliberate exception, made the way Django's own `TestCase` makes its block: the
    durable blocks inside it become savepoints and everything commits when it exits. The
    `Idempotency-Key` decorator uses it so that a key's claim, the write and the stored answer commit
    together, or roll back together when the database fails half-way.
    """

    def __init__(self) -> None:
        super().__init__(DEFAULT_DB_ALIAS, savepoint=True, durable=False)
        self._from_testcase = True


def lock_wait_timed_out(error: Exception) -> bool:
    """Did PostgreSQL give up waiting for a lock (`lock_timeout`, or at once under NOWAIT: SQLSTATE
    55P03)?"""
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


@contextmanager
def lock_wait_limited(seconds: float) -> Iterator[None]:
    """Inside a savepoint: wait at most `seconds` for row locks (PostgreSQL), then the default again.

    When the block fails, rolling back its savepoint restores the setting; when it succeeds, it is
    restored here, so the rest of the transaction waits as usual.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(int(seconds * 1000), 1)}ms"])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


@contextmanager
def reads_without_jit(model: type[models.Model] | None = None) -> Iterator[None]:
    """The reads inside, on the database they go to (`model`'s; the replica inside `replica_reads()`),
    with PostgreSQL's JIT compilation off: a report's grouped query over millions of rows has a high
    estimated cost, so PostgreSQL compiles it, and compiling took longer than running it.

    In a transaction of its own, as `SET LOCAL` lasts until that ends; inside the caller's (a
    savepoint), the setting it had is put back on the way out (rolling back the savepoint restores
    it on a failure). Elsewhere than PostgreSQL, nothing.
    """
    alias = router.db_for_read(model)
    database = connections[alias]
    if database.vendor != "postgresql":
        yield
        return
    nested = database.in_atomic_block
    with transaction.atomic(using=alias):
        with database.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
            (previous, _off) = cursor.fetchone()
        yield
        if nested:
            with database.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, true)", [previous])


def bulk_insert(objs: Sequence[models.Model]) -> None:
    """Insert new rows of one model, as `bulk_create` does, in one COPY on PostgreSQL.

    For the batches that write thousands of rows full of JSON text at once (an expiry sweep's events
    with their receipts, its audit entries, the notifier's messages). Django binds parameters on the
    client and sends a `bulk_create` as one array per column, which psycopg quotes element by element
    in Python and the server parses again: for 2,000 receipts about 0.7 s, against 0.05 s by COPY,
    which streams the rows as they are. Like `bulk_create` it sends no signals and runs in the
    caller's transaction; unlike it, a key the database generates (an AutoField) is not read back.
    Elsewhere (SQLite) it is `bulk_create`.
    """
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    # A database default is an expression COPY cannot carry.
    if connection.vendor != "postgresql" or any(f.db_default is not models.NOT_PROVIDED for f in fields):
        model.objects.bulk_create(objs, batch_size=1000)
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    connection.validate_no_broken_transaction()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # The connection itself, not the `connection` proxy, which looks it up again on each of the
        # dozen attribute reads a field's preparation makes: a tenth of a 10,000-row expiry sweep.
        database = cursor.db
        readers = [_column_reader(f, database) for f in fields]
        with cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row([read(obj) for read in readers])


# The field classes whose preparation (`get_db_prep_save` on PostgreSQL) hands a value of this exact
# type to psycopg unchanged, as it hands None. Exact classes: a subclass (an encrypted CharField, a
# JSON one) may prepare its values differently, so it keeps the full path.
_PASSED_AS_IS: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.UUIDField: uuid.UUID,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    # Aware only: a naive datetime is made aware (with a warning) by the full path.
    models.DateTimeField: datetime,
}


def _column_reader(field: models.Field, database) -> Callable[[models.Model], object]:
    """What `bulk_insert` sends for `field` of a new row: `field.get_db_prep_save(field.pre_save(obj,
    True))`, without the dozen calls that preparation costs per value where it would change nothing
    (`_PASSED_AS_IS`). For 10,000 expiries that is half a million calls, most of a COPY's time."""
    attname, prepare = field.attname, field.get_db_prep_save
    # `pre_save` only reads the attribute, unless it stamps the time (auto_now, auto_now_add).
    stamps = (models.DateField.pre_save, models.DateTimeField.pre_save)
    plain_read = type(field).pre_save is models.Field.pre_save or (
        type(field).pre_save in stamps and not (field.auto_now or field.auto_now_add)
    )
    target = field.target_field if type(field) in (models.ForeignKey, models.OneToOneField) else field
    as_is = _PASSED_AS_IS.get(type(target))

    def read(obj: models.Model) -> object:
        value = getattr(obj, attname) if plain_read else field.pre_save(obj, True)
        if as_is is not None and (
            value is None or (type(value) is as_is and (as_is is not datetime or value.tzinfo is not None))
        ):
            return value
        return prepare(value, database)

    return read


def first_of(querysets: Iterable[models.QuerySet], column: str, limit: int) -> models.Q:
    """The condition "primary key among the `column` values of the first `limit` rows of any of
    `querysets`", each read in a subquery of the one statement it goes into: a sweep locks the
    customers, or the items, that several of its queues name at once."""
    subqueries = [("pk__in", rows.values(column)[:limit]) for rows in querysets]
    return models.Q.create(subqueries, connector=models.Q.OR)


class _AnyOf(In):
    """`In`, with the values bound as one array parameter on PostgreSQL (`column = ANY(%s)`)."""

    def as_postgresql(self, compiler, connection):
        column, column_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection) for value in self.rhs if value is not None]
        return f"{column} = ANY(%s)", (*column_params, values)


def any_of(column: str, values: Iterable[Any]) -> models.Expression:
    """The condition "`column` is one of `values`", for `filter`, `exclude` or a `Q`: thousands of ids
    a transaction holds (a sweep's customers) go to PostgreSQL as one array, where `column__in` sends
    one parameter per id, as many times as the condition appears in the statement; elsewhere, IN."""
    return _AnyOf(models.F(column), list(values))


def head_and_total(queryset: models.QuerySet[M], limit: int) -> tuple[list[M], int]:
    """The first `limit` rows and how many there are in all, so a page that shows only the head can
    say so ("20 of 35"). Counted only when the head is full: a shorter one is the whole list."""
    head = list(queryset[:limit])
    return head, queryset.count() if len(head) == limit else len(head)


def encrypted_update(
    rows: models.QuerySet, field: str, *, value: Any, where: Callable[[Any], bool] = bool
) -> int:
    """Set the encrypted `field` of the rows of `rows` whose decrypted value passes `where` (by default:
    holds something) to `value`, in one UPDATE (the caller's transaction); returns how many. SQL cannot
    choose them itself: the same text encrypts differently each time, and an empty one is ciphertext too."""
    chosen = [pk for pk, current in rows.values_list("pk", field) if where(current)]
    if chosen:
        rows.model._default_manager.filter(pk__in=chosen).update(**{field: value})
    return len(chosen)


def encrypted_bulk_update(objs: Sequence[models.Model], field: str) -> None:
    """Write each row's own value of the encrypted `field` (set on `objs`, rows of one model), in one
    UPDATE per `bulk_batch_size` rows (the caller's transaction). Not `bulk_update`: an encrypted field
    encrypts whatever it is handed, so the CASE expression `bulk_update` builds would be stored as the
    ciphertext of its own text. Here each value is prepared (encrypted) by the field, as `save` does."""
    if not objs:
        return
    model = type(objs[0])
    target, pk = model._meta.get_field(field), model._meta.pk
    database = connections[router.db_for_write(model)]
    quote = database.ops.quote_name
    table, column, key = quote(model._meta.db_table), quote(target.column), quote(pk.column)
    batch = max(database.ops.bulk_batch_size([pk, target, pk], objs), 1)
    with database.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            ids = [pk.get_db_prep_value(obj.pk, database) for obj in chunk]
            cases = []
            for obj, id_value in zip(chunk, ids, strict=True):
                cases += [id_value, target.get_db_prep_save(getattr(obj, target.attname), database)]
            whens, placeholders = " ".join(["WHEN %s THEN %s"] * len(chunk)), ", ".join(["%s"] * len(chunk))
            cursor.execute(  # names from the model, values as parameters
                f"UPDATE {table} SET {column} = CASE {key} {whens} END "  # noqa: S608
                f"WHERE {key} IN ({placeholders})",
                [*cases, *ids],
            )
